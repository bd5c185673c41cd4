from .models import SiteConfiguration


def site(request):
    """The county's identity for every template (one query per request)."""
    return {"site_config": SiteConfiguration.load()}
