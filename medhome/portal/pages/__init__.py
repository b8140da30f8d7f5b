"""The family's pages (top layer): they open a link through medhome.portal.links and call the
services and selectors of the app whose page it is."""
