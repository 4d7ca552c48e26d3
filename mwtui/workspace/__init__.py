"""mwtui/workspace"""
