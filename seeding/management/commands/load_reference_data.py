from django.core.management.base import BaseCommand

from seeding.reference_data import reference_data_load


class Command(BaseCommand):
    help = "Load the shipped reference data (councils, old GSS codes, partners, strategy). Safe to run again."

    def handle(self, *args, **options):
        counts = reference_data_load()
        self.stdout.write(", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items()))
