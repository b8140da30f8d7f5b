import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from medhome.core import clock
from medhome.instruments.packs import InvalidPack, load
from medhome.practices.models import Practice


class Command(BaseCommand):
    help = (
        "Loads a practice's licensed wording for one instrument and language from a JSON pack "
        "(replacing any earlier pack for the same instrument, version and language)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice name or UUID")
        parser.add_argument("--file", required=True, help="pack JSON file")
        parser.add_argument(
            "--permission-reference",
            default="",
            help="who granted permission (overrides the pack's permission_reference)",
        )
        parser.add_argument("--loaded-by", default="load_text_pack", help="label of the loader")

    def handle(self, *args, **options):
        practice = self._practice(options["practice"])
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        permission = options["permission_reference"] or (
            data.get("permission_reference", "") if isinstance(data, dict) else ""
        )
        try:
            loaded = load(
                practice,
                data,
                permission_reference=str(permission),
                loaded_by=options["loaded_by"],
                at=clock.now(),
            )
        except InvalidPack as error:
            raise CommandError(
                "Pack refused, nothing saved:\n" + "\n".join(f"- {e}" for e in error.errors)
            ) from None
        pack = loaded.pack
        self.stdout.write(
            f"{'Replaced' if loaded.replaced else 'Loaded'} {pack.instrument_key} "
            f"{pack.instrument_version} ({pack.language}) for practice {practice.pk}: "
            f"{loaded.items} items, {loaded.options} answers."
        )

    def _practice(self, value: str) -> Practice:
        try:
            return Practice.objects.get(pk=uuid.UUID(value))
        except (ValueError, Practice.DoesNotExist):
            pass
        matches = list(Practice.objects.filter(name=value)[:2])
        if len(matches) != 1:
            raise CommandError(
                f"No practice named {value!r}."
                if not matches
                else f"Several practices are named {value!r}; use the UUID."
            )
        return matches[0]
