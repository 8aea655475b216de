"""Channels without an API (WhatsApp groups and the like): nothing is sent. The delivery
service turns an approved post into distribution tasks for the volunteers of its target
desks, who share it from their own accounts, by hand, and record the link."""

from itcell.publishing.connectors.base import BaseConnector


class ManualConnector(BaseConnector):
    manual = True
