"""``lumbung sandbox <name> --port N``: run a provider sandbox as its own process.

Sandboxes are registered by each app's ``sandbox.py`` (see ``lumbung.core.sandbox``).
"""

import signal

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from lumbung.core.sandbox import SandboxConfig, get_factory, registered, run_sandbox


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run a provider sandbox (an outside service stand-in) on 127.0.0.1."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("name", help="which sandbox, e.g. sms")
        parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
        parser.add_argument("--fail-first", type=int, default=0, help="the first K provider calls answer 503")
        parser.add_argument("--callback-url", default="", help="where signed callbacks (webhooks) go")
        parser.add_argument("--store", default="", help="keep the sandbox's state in this JSON file")
        parser.add_argument("--api-key", default="", help="the API key callers must present")
        parser.add_argument("--secret", default="", help="the shared secret callbacks are signed with")
        parser.add_argument(
            "--set", action="append", default=[], metavar="KEY=VALUE", help="sandbox-specific option"
        )

    def handle(self, *args, name, port, fail_first, callback_url, store, api_key, secret, set, **options):
        autodiscover_modules("sandbox")
        try:
            get_factory(name)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        extra = {}
        for item in set:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--set wants KEY=VALUE, got {item!r}")
            extra[key.strip()] = value
        config = SandboxConfig(
            name=name,
            port=port,
            fail_first=fail_first,
            callback_url=callback_url,
            store=store,
            api_key=api_key,
            secret=secret,
            extra=extra,
        )
        signal.signal(signal.SIGTERM, _raise_interrupt)  # stop cleanly (and flush --store) when killed
        if options["verbosity"] > 1:
            self.stderr.write("registered sandboxes: " + ", ".join(registered()))
        run_sandbox(config, out=self.stdout)
