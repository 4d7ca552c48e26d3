"""mwtui/importers/accounting"""
