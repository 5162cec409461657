from django.core.management.base import BaseCommand, CommandError

from openlima import city
from openlima.reference_data import city_profile_load


class Command(BaseCommand):
    help = (
        "Load a city profile's territorial units (districts, macrodistricts) and municipal "
        "units into the database (idempotent). NAME is a folder of profiles/ or a path; "
        "docs/city-profile.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "profile",
            nargs="?",
            help="profile name (lima, la-paz) or path; default: the CITY_PROFILE setting",
        )

    def handle(self, *args, **options):
        try:
            profile = (
                city.read_profile(options["profile"])
                if options["profile"]
                else city.raw()
            )
            result = city_profile_load(profile)
        except city.ProfileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{profile['slug']}: territorial units {result['created']} created, "
            f"{result['updated']} updated, {result['unchanged']} unchanged, "
            f"{result['removed']} removed"
        )
        given = sum(result.get("roles", {}).values())
        self.stdout.write(
            f"roles: {given} staff member(s) given their role's default unit"
        )
        if result["kept"]:
            self.stdout.write(
                self.style.WARNING(
                    "kept (still referenced, not in the profile): "
                    + ", ".join(result["kept"])
                )
            )
        from openlima import conf

        configured = conf.city_profile_name()
        if options["profile"] and city.profile_path(
            options["profile"]
        ) != city.profile_path(configured):
            self.stdout.write(
                self.style.WARNING(
                    f"note: the portal shows the profile of CITY_PROFILE={configured!r}; "
                    "set CITY_PROFILE to this profile too."
                )
            )
