"""The GTM container: typed entities, one trigger per event, one builder per destination."""

from scanner.outputs.gtm.container import build_container, export, render

__all__ = ["build_container", "export", "render"]
