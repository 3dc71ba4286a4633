import datetime as dt
from decimal import Decimal

import pytest

from jiandu.analytics.hits import Hit


def make(**kw):
    base = dict(
        model_id="P01",
        model_version="1",
        subject_type="payment",
        subject_id="88",
        score=0.9,
        explanation_zh="支付 88",
        explanation_en="Payment 88",
    )
    base.update(kw)
    return Hit(**base)


def test_key_is_model_and_subject_not_version_or_score():
    assert make().key == make(model_version="2", score=0.1).key == "P01:payment:88"
    assert make(subject_id="89").key != make().key


def test_round_trip_makes_evidence_plain():
    hit = make(
        evidence={"payments": [{"paid_date": dt.date(2024, 5, 3), "amount": Decimal("680.00")}]}
    )
    data = hit.to_dict()
    assert data["evidence"]["payments"][0] == {"paid_date": "2024-05-03", "amount": "680.00"}
    back = Hit.from_dict(data)
    assert back.key == hit.key and back.evidence == data["evidence"]


@pytest.mark.parametrize(
    "kw", [{"subject_type": "planet"}, {"subject_id": ""}, {"score": 1.5}, {"score": -0.1}]
)
def test_refuses_malformed(kw):
    with pytest.raises(ValueError):
        make(**kw)
