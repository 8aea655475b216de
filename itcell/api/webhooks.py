"""Webhooks: audit events that other systems subscribe to, signed and sent with retries."""
