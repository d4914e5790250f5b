# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up they share.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
DATELINE := $(VENV)/bin/dateline
STAMP := $(VENV)/.installed
# The Nu Html Checker for tests/site/test_html_validity.py: npm's vnu-jar, run with Java.
VNU_VERSION := 26.9.27
VNU_STAMP := .tools/.vnu-jar-$(VNU_VERSION)
# Vazirmatn, the Persian edition's web font (SIL OFL), from npm into its own prefix (an npm
# install prunes what another put in the same one); its variable Arabic-script file, its licence
# and our @font-face rule go to .tools/static, which settings.STATICFILES_DIRS collects.
VAZIRMATN_VERSION := 33.0.3
VAZIRMATN := .tools/vazirmatn/node_modules/vazirmatn
FONT_DIR := .tools/static/site/fonts
FONT_STAMP := .tools/.vazirmatn-$(VAZIRMATN_VERSION)
# The interface words' catalogues (docs/editions.md): each django.po compiled to django.mo by
# Babel, so no GNU gettext is needed on the machine.
LOCALE := src/dateline/locale
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/django.po))
# The sitemap schemas for tests/site/test_seo_sitemaps.py, under .tools/xsd/: sitemaps.org's
# sitemap.xsd from npm's `sitemap`, a sitemap index schema from PyPI's `sitemap-verify` (its
# wheel's hash pinned here). No registry ships sitemaps.org's own siteindex.xsd or Google's
# sitemap-news.xsd (docs/seo.md says what the tests check instead).
SITEMAP_NPM_VERSION := 9.0.1
SITEMAP_VERIFY_WHEEL := sitemap_verify-0.1.1-py3-none-any.whl
SITEMAP_VERIFY_SHA256 := 641f3fdb45d6f2ac6f4a2eff86f3b49d9d737fe34934ac628a78f95138afe743
XSD_STAMP := .tools/xsd/.installed-$(SITEMAP_NPM_VERSION)-$(SITEMAP_VERIFY_WHEEL)

.PHONY: setup run test bench lint lock devdata clean messages

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || { python=$$(scripts/find-python) && "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(VNU_STAMP):
	@if command -v npm >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then \
		npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION) \
		&& touch $@; \
	else \
		echo "skipped: the HTML checker (vnu-jar) needs npm and java; the HTML validity test will skip"; \
	fi

%.mo: %.po | $(STAMP)
	$(VENV)/bin/pybabel compile -i $< -o $@

$(FONT_STAMP): src/dateline/site/webfonts/vazirmatn.css
	@if command -v npm >/dev/null 2>&1; then \
		npm install --prefix .tools/vazirmatn --no-save --no-audit --no-fund --loglevel=error \
			vazirmatn@$(VAZIRMATN_VERSION) \
		&& mkdir -p $(FONT_DIR) \
		&& cp "$(VAZIRMATN)/misc/Non-Latin/fonts/webfonts/Vazirmatn-NL[wght].woff2" \
			$(FONT_DIR)/vazirmatn-nl-variable.woff2 \
		&& cp $(VAZIRMATN)/OFL.txt $(FONT_DIR)/vazirmatn-OFL.txt \
		&& cp src/dateline/site/webfonts/vazirmatn.css $(FONT_DIR)/vazirmatn.css \
		&& touch $@; \
	else \
		echo "skipped: the Persian web font (Vazirmatn) needs npm; Persian pages use system fonts"; \
	fi

$(XSD_STAMP): $(STAMP)
	@mkdir -p .tools/xsd/download
	@if command -v npm >/dev/null 2>&1; then \
		npm pack --silent --pack-destination .tools/xsd/download sitemap@$(SITEMAP_NPM_VERSION) >/dev/null \
		&& tar -xzf .tools/xsd/download/sitemap-$(SITEMAP_NPM_VERSION).tgz -C .tools/xsd \
			--strip-components=2 package/schema/sitemap.xsd \
		&& $(PY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
			--dest .tools/xsd/download sitemap-verify==0.1.1 \
		&& echo "$(SITEMAP_VERIFY_SHA256)  .tools/xsd/download/$(SITEMAP_VERIFY_WHEEL)" | sha256sum --check --quiet \
		&& $(PY) -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
			.tools/xsd/download/$(SITEMAP_VERIFY_WHEEL) sitemap_verify/schemas/siteindex.xsd > .tools/xsd/siteindex.xsd \
		&& touch $@; \
	else \
		echo "skipped: the sitemap schemas need npm; the sitemap validation tests will skip"; \
	fi

## setup: virtual environment, locked dependencies, database schema, static files, translations, HTML checker, web font, sitemap schemas (idempotent)
setup: $(STAMP) $(VNU_STAMP) $(FONT_STAMP) $(XSD_STAMP) $(MO_FILES)
	$(DATELINE) migrate --noinput --verbosity 0
	$(DATELINE) collectstatic --noinput --verbosity 0

## run: the site on the embedded default (SQLite, in-process cache, DB-backed worker) with demo content
run: setup
	$(DATELINE) loaddemo
	$(DATELINE) serve --port $(PORT)

## test: the whole suite (set DATABASE_URL / REDIS_URL to run it against PostgreSQL / Redis)
test: setup
	$(PY) -m pytest

## bench: benchmarks; prints a table and writes JSON under bench/results/
bench: setup
	$(PY) bench/run.py

## scaled-up: the scaled form on this machine (docs/operating.md): PostgreSQL, Redis, nginx at the edge, Varnish behind it, 2 gunicorn processes, 2 task workers, demo content; state under var/scaled/
.PHONY: scaled-up scaled-down scaled-status
scaled-up: setup
	$(PY) -m deploy.scaled up

## scaled-down: stop what scaled-up started (PostgreSQL and Redis keep running)
scaled-down:
	$(PY) -m deploy.scaled down

## scaled-status: each process of the scaled form, running or not, and its resident memory
scaled-status:
	$(PY) -m deploy.scaled status

## mutate: mutation testing (mutmut) with the score per module; MODULE=dateline.stories.querysets for one (docs/mutation.md)
.PHONY: mutate
mutate: $(STAMP)
	$(PY) scripts/mutate.py $(MODULE)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## devdata: load the demo content into the current database (same as `dateline loaddemo`)
devdata: setup
	$(DATELINE) loaddemo

## messages: after adding or changing a label in editions/labels.py, update every catalogue's message ids
messages: $(STAMP)
	@mkdir -p build
	$(VENV)/bin/pybabel extract --no-location --project=Dateline -F babel.cfg -k gettext_lazy \
		-o build/django.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching --width=100 -i build/django.pot -d $(LOCALE) -D django

## lock: re-resolve requirements.lock from pyproject.toml (needs network access to PyPI)
lock: $(STAMP)
	$(PY) -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 \
		--universal --quiet --output-file requirements.lock

clean:
	rm -rf $(VENV) var $(MO_FILES)
