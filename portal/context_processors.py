from .models import SiteConfiguration


def site(request):
    """The county's identity for every template (cached: no query on most requests)."""
    return {"site_config": SiteConfiguration.load()}
