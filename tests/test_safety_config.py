"""Issue 8, item 24: toolkit.toml values of the wrong type, out of order or without bound are refused
with one message naming the key; good values still load."""
from __future__ import annotations

import pytest

from toolkit.config import load_settings, settings_from_dict
from toolkit.errors import ConfigError


@pytest.mark.parametrize(("toml", "key"), [
    ("[thresholds]\ndue_soon_days = true\n", "thresholds.due_soon_days"),       # a bool for a number of days
    ("[thresholds]\nbehind_points = \"20\"\n", "thresholds.behind_points"),       # a string for a number
    ("[thresholds]\ndefault_hours = true\n", "thresholds.default_hours"),          # a bool for hours
    ("[thresholds]\nrisk_amber = 16\n", "risk_amber"),                            # amber above high
    ("[thresholds]\nrisk_amber = 15\nrisk_high = 15\n", "risk_amber"),            # amber equal to high
    ("[limits]\nmax_file_mb = 1e20\n", "limits.max_file_mb"),                     # no bound at all
    ("[limits]\nmax_file_mb = 100000000000\n", "limits.max_file_mb"),
    ("[limits]\nmax_unzipped_mb = 100000\n", "limits.max_unzipped_mb"),
    ("[limits]\nmax_cells_per_sheet = 1000000000\n", "limits.max_cells_per_sheet"),
    ("backups_keep = false\n", "backups_keep"),
    ("[calendar]\nchinese_holidays = 1\n", "calendar.chinese_holidays"),
    ("[reading]\ninclude_hidden_sheets = \"yes\"\n", "reading.include_hidden_sheets"),
    ("[reading]\nsettle_max_seconds = 100000\n", "reading.settle_max_seconds"),
])
def test_bad_values_are_refused_naming_the_key(tmp_path, toml, key):
    config = tmp_path / "toolkit.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert key in caught.value.message("en") and caught.value.exit_code == 2


def test_good_values_still_load(tmp_path):
    config = tmp_path / "toolkit.toml"
    config.write_text("[thresholds]\nbehind_points = 25\noverload_ratio = 1.2\nrisk_high = 16\nrisk_amber = 9\n"
                      "[limits]\nmax_file_mb = 200\n[reading]\ninclude_hidden_sheets = true\nsettle_seconds = 0\n",
                      encoding="utf-8")
    settings = load_settings(config)
    assert settings.thresholds.behind_points == 25.0 and settings.thresholds.risk_amber == 9
    assert settings.limits.max_file_mb == 200 and settings.reading.include_hidden_sheets is True
    assert settings_from_dict({}).thresholds.risk_amber < settings_from_dict({}).thresholds.risk_high
