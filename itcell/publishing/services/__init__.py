"""Every write of publishing, one transaction each (delivery claims and platform calls are
split on purpose: see ``delivery``)."""
