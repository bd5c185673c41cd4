"""Staff groups and their model permissions, for data migrations (this one and later apps')."""

from django.contrib.auth.management import create_permissions

BERATUNG = "Beratung"
QUALIFIZIERUNG = "Qualifizierung"
VERNETZUNG = "Vernetzung"
REDAKTION = "Redaktion"


def grant(apps, group_name: str, permissions: list[str]) -> None:
    """Create the group if needed and give it permissions named "app_label.codename"."""
    for app_config in apps.get_app_configs():
        # Permissions are normally made after migrate; make them now so they can be granted.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _created = group_model.objects.get_or_create(name=group_name)
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.add(
            permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        )


def model_permissions(app_label: str, model: str, actions=("view", "add", "change", "delete")):
    return [f"{app_label}.{action}_{model}" for action in actions]
