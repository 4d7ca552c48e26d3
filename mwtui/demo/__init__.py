"""mwtui/demo"""
