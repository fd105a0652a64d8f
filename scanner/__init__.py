"""Website scanner that proposes GA4 tracking plans and GTM containers."""
