"""Input checks shared by the Create models: each refusal names the field and the value."""

from __future__ import annotations

from datetime import date

import pytest

from models.hub import FirmCreate, FundingRoundCreate, HubCreate
from models.kpi import TargetCreate
from models.validation import InputError, check, validate_uscc

VALID_USCC = "91110000600037341L"


@pytest.mark.parametrize("code", [VALID_USCC, "91110000600037341l", " 91110000600037341L "])
def test_valid_unified_social_credit_code_is_accepted(code):
    assert validate_uscc(code) == VALID_USCC


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000600037341A", "checksum"),  # wrong GB 32100-2015 check character
        ("9111000060003734", "length"),
        ("91110000600037341LX", "length"),
        ("9111000060003734IO", "format"),  # I and O are not in the code's alphabet
    ],
)
def test_invalid_unified_social_credit_code_is_refused_naming_it(code, reason):
    with pytest.raises(ValueError, match="not a valid unified social credit code") as info:
        validate_uscc(code)
    assert repr(code) in str(info.value) and reason in str(info.value).lower()


def _firm(**changes: object) -> dict[str, object]:
    return {"name_en": "Acme Pay", "sector": "payments", "hub_id": 1, **changes}


@pytest.mark.parametrize(
    ("model", "data", "field", "value"),
    [
        (FirmCreate, _firm(uscc="91110000600037341A"), "uscc", "91110000600037341A"),
        (FirmCreate, _firm(sector="gambling"), "sector", "gambling"),
        (FirmCreate, _firm(name_en=None), "name", ""),
        (FundingRoundCreate,
         {"firm_id": 1, "announced": date(2020, 1, 1), "stage": "A", "amount": "1000",
          "currency": "RMB"}, "currency", "RMB"),
        (FundingRoundCreate,
         {"firm_id": 1, "announced": date(2020, 1, 1), "stage": "A", "amount": "10.001",
          "currency": "CNY"}, "amount", "10.001"),
        (FundingRoundCreate,
         {"firm_id": 1, "announced": date(2020, 1, 1), "stage": "Z", "amount": "10",
          "currency": "CNY"}, "stage", "Z"),
        (HubCreate,
         {"name": "X", "city": "X", "province": "X", "plan_start": date(2020, 1, 1),
          "plan_end": date(2019, 1, 1)}, "plan_end", "2019-01-01"),
        (TargetCreate,
         {"hub_id": 1, "kpi_code": "parks_clusters", "target_low": "-3",
          "plan_start": date(2020, 1, 1), "deadline": date(2025, 1, 1), "source": "plan"},
         "target_low", "-3"),
        (TargetCreate,
         {"hub_id": 1, "kpi_code": "parks_clusters", "target_low": "many",
          "plan_start": date(2020, 1, 1), "deadline": date(2025, 1, 1), "source": "plan"},
         "target_low", "many"),
        (TargetCreate,
         {"hub_id": 1, "kpi_code": "parks_clusters", "target_low": "5", "target_high": "3",
          "plan_start": date(2020, 1, 1), "deadline": date(2025, 1, 1), "source": "plan"},
         "target_high", "3"),
        (TargetCreate,
         {"hub_id": 1, "kpi_code": "parks_clusters", "target_low": "5",
          "plan_start": date(2020, 1, 1), "deadline": date(2019, 1, 1), "source": "plan"},
         "deadline", "2019-01-01"),
    ],
)  # fmt: skip
def test_create_models_refuse_bad_input_naming_field_and_value(model, data, field, value):
    with pytest.raises(InputError) as info:
        check(model, data)
    message = str(info.value)
    assert field in message and value in message
