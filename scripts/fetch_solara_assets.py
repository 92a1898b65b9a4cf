"""Put the browser assets Solara's page needs into its local cache, from the npm registry.

Solara serves its front end from a CDN through a local proxy cache
(``<venv>/share/solara/cdn``); a machine without the CDN (only the package registries
reach out from here) gets a page stuck on "Loading app". The files are the same npm
packages the CDN serves, so ``npm pack`` them once into the cache. Idempotent; prints
what it does; exits 0 with a warning when npm is missing (the dashboard then needs the
CDN).
"""

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path


def needed_packages() -> list[str]:
    import solara.server
    from solara.server.settings import assets

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    found = set(re.findall(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@[\d.]+)/", template.read_text()))
    found.add(assets.fontawesome_path.strip("/").split("/")[0])
    found.add("requirejs@2.3.6")
    return sorted(found)


def main() -> int:
    from solara.server.settings import assets

    cache = Path(assets.proxy_cache_dir)
    missing = [p for p in needed_packages() if not (cache / p / "package.json").exists()]
    if not missing:
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print("escsim set-up: npm not found; the dashboard will need Solara's CDN", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for spec in missing:
            print(f"escsim set-up: fetching {spec} for the dashboard (npm)")
            for attempt in range(3):  # a registry hiccup should not fail the set-up
                done = (
                    subprocess.run(
                        [npm, "pack", spec, "--silent", "--pack-destination", tmp],
                        stdout=subprocess.DEVNULL,
                    ).returncode
                    == 0
                )
                if done:
                    break
                time.sleep(2**attempt)
            else:
                print(f"escsim set-up: could not fetch {spec} from npm", file=sys.stderr)
                return 1
            tgz = max(Path(tmp).glob("*.tgz"), key=lambda p: p.stat().st_mtime)
            target = cache / spec
            target.mkdir(parents=True, exist_ok=True)
            with tarfile.open(tgz) as tar:
                for member in tar.getmembers():
                    member.name = member.name.split("/", 1)[1] if "/" in member.name else ""
                    if member.name and member.isfile():
                        tar.extract(member, target, filter="data")
            tgz.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
