"""Data, not code: the reminder mails and drafted questions, one folder per language.

This file only makes the folder installable as `toezegging.mail_templates`; edit the templates.
"""
