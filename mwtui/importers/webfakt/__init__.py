"""mwtui/importers/webfakt"""
