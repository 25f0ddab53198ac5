# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat setup.cfg setup.py | cksum | cut -d' ' -f1)
CATALOGS := $(patsubst %.po,%.mo,$(wildcard studio/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test install translations extract-messages browser-deps clean

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Serving on http://$${HOST:-127.0.0.1}:$${PORT:-5000} (Ctrl-C stops)"
	$(PY) wsgi.py

test: install translations browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

translations: install $(CATALOGS)

studio/translations/%/LC_MESSAGES/messages.mo: studio/translations/%/LC_MESSAGES/messages.po
	$(VENV)/bin/pybabel compile --use-fuzzy -d studio/translations -l $* 2>&1 | grep -v '^compiling' || true
	@test -f $@

# Refresh the catalogs after adding strings: then translate the new entries in messages.po.
extract-messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o studio/translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i studio/translations/messages.pot -d studio/translations --no-fuzzy-matching --ignore-obsolete -w 100

# Browser tests drive Debian's chromium; Chinese needs a CJK font in screenshots.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-wqy-microhei; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache studio/translations/*/LC_MESSAGES/*.mo
