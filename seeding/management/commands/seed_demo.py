import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from seeding.demo import SCALES, DemoRefused, demo_data_exists, demo_seed


class Command(BaseCommand):
    help = (
        "Replace the demo data with a deterministic set: the same --seed (and --today) gives the same rows. "
        "Every record it makes is marked as demo. Refuses to run with production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date the demo data is built around (YYYY-MM-DD); default: today.",
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo data is already there.")

    def handle(self, *args, scale, seed, today, if_empty, **options):
        try:
            if if_empty and demo_data_exists():
                self.stdout.write("Demo data is already loaded; leaving it as it is.")
                return
            started = time.monotonic()
            counts = demo_seed(scale=scale, seed=seed, today=today)
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ({scale}, seed {seed}) loaded in {time.monotonic() - started:.1f} s.")
        )
