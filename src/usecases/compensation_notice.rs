//! The public compensation notice of an incident (`/incidents/{id}/notice`): who may claim, on
//! what criteria, how and by when, written from the incident and its latest policy in the
//! reader's language. Only incidents open for claims are public.

use crate::db::DbConnection;
use crate::domain::claimant::{ClaimantKind, EvidenceField};
use crate::domain::lang::Lang;
use crate::domain::money::Money;
use crate::domain::policy::{Method, Rule};
use crate::usecases::claims::words::{amount, service_name, when};
use crate::usecases::{incidents, policies, Error};

/// The notice, as sentences ready to show.
#[derive(Debug, Clone)]
pub struct CompensationNotice {
    pub incident_id: String,
    pub title: String,
    pub description: String,
    /// "Claims are taken from ... until ...".
    pub window: String,
    /// One sentence per rule of the policy: who, which service, how it pays.
    pub criteria: Vec<String>,
    /// What else holds: review threshold, appeals, budget, minimum payout.
    pub terms: Vec<String>,
    pub policy_version: Option<i32>,
}

fn who(kind: Option<ClaimantKind>, lang: Lang) -> String {
    match (kind, lang) {
        (Some(ClaimantKind::Business), Lang::Ko) => "사업자".into(),
        (Some(ClaimantKind::Individual), Lang::Ko) => "개인".into(),
        (None, Lang::Ko) => "사업자와 개인".into(),
        (Some(ClaimantKind::Business), Lang::En) => "Businesses".into(),
        (Some(ClaimantKind::Individual), Lang::En) => "Individuals".into(),
        (None, Lang::En) => "Businesses and individuals".into(),
    }
}

fn evidence_words(fields: &[EvidenceField], lang: Lang) -> String {
    let names: Vec<&str> = fields
        .iter()
        .map(|f| match (f, lang) {
            (EvidenceField::BaselineRevenue, Lang::Ko) => "평소 한 주의 매출",
            (EvidenceField::OutageRevenue, Lang::Ko) => "장애 주간의 매출",
            (EvidenceField::MonthlyFee, Lang::Ko) => "월 이용료",
            (EvidenceField::BaselineRevenue, Lang::En) => "the revenue of a normal week",
            (EvidenceField::OutageRevenue, Lang::En) => "the revenue of the outage week",
            (EvidenceField::MonthlyFee, Lang::En) => "the monthly fee",
        })
        .collect();
    names.join(", ")
}

fn percent(rate: rust_decimal::Decimal) -> String {
    (rate * rust_decimal::Decimal::ONE_HUNDRED).normalize().to_string()
}

/// How a rule pays, in one sentence.
fn how(method: &Method, lang: Lang) -> String {
    let money = |m: Money| amount(m, lang);
    match method {
        Method::LostRevenue { rate } => lang.either(format!("평소 한 주의 매출에서 장애 주간의 매출을 뺀 손실의 {}%를 청구 금액 한도에서 지급합니다", percent(*rate)),
            format!("{}% of the revenue lost (a normal week's revenue minus the outage week's), at most the amount claimed", percent(*rate)),
        ),
        Method::RevenuePerHour { rate } => lang.either(format!("평소 한 주의 시간당 매출에 장애 시간(심각도 가중)을 곱한 금액의 {}%를 청구 금액 한도에서 지급합니다", percent(*rate)),
            format!("{}% of a normal week's revenue per hour times the hours of outage (weighted by severity), at most the amount claimed", percent(*rate)),
        ),
        Method::FeeMultiple { multiplier } => lang.either(format!("장애 시간에 해당하는 월 이용료의 {}배를 청구 금액 한도에서 지급합니다", multiplier.normalize()),
            format!("{} times the monthly fee for the hours of outage, at most the amount claimed", multiplier.normalize()),
        ),
        Method::TieredByClaim { tiers } => {
            let steps: Vec<String> = tiers
                .iter()
                .map(|(up_to, paid)| lang.either(format!("{} 이하 {}", money(*up_to), money(*paid)), format!("up to {}: {}", money(*up_to), money(*paid))))
                .collect();
            lang.either(format!("청구 금액 구간별로 지급합니다 ({}); 더 큰 청구는 담당자가 개별 심사합니다", steps.join(", ")),
                format!("by the amount claimed ({}); larger claims are assessed one by one", steps.join("; ")),
            )
        }
        Method::TieredByDays { tiers } => {
            let steps: Vec<String> = tiers
                .iter()
                .map(|(days, paid)| lang.either(format!("{days}일 이상 {}", money(*paid)), format!("{days}+ days: {}", money(*paid))))
                .collect();
            lang.either(format!("피해 일수별로 지급합니다 ({})", steps.join(", ")), format!("by the days disrupted ({})", steps.join("; ")))
        }
        Method::Flat { amount: paid } => lang.either(format!("{}을 청구 금액 한도에서 지급합니다", money(*paid)),
            format!("a flat {}, at most the amount claimed", money(*paid)),
        ),
    }
}

fn criterion(rule: &Rule, lang: Lang) -> String {
    let service = rule.service.as_ref().map_or_else(
        || lang.either("모든 서비스".into(), "any service".into()),
        |s| service_name(s.as_str(), lang),
    );
    let mut sentence = format!("{} ({service}): {}.", who(rule.claimant_kind, lang), how(&rule.method, lang));
    let needed = rule.method.required_evidence();
    if !needed.is_empty() {
        sentence.push_str(&lang.either(
            format!(" 필요한 자료: {}.", evidence_words(needed, lang)),
            format!(" You will need {}.", evidence_words(needed, lang)),
        ));
    }
    if !rule.min_outage_hours.is_zero() {
        let hours = rule.min_outage_hours.normalize();
        sentence.push_str(&lang.either(
            format!(" 장애가 {hours}시간 이상 이어진 경우에만 지급합니다."),
            format!(" Paid only for outages of {hours} hours or more."),
        ));
    }
    if let Some(cap) = rule.cap_per_claim {
        sentence.push_str(&lang.either(
            format!(" 한 건당 최대 {}.", amount(cap, lang)),
            format!(" At most {} a claim.", amount(cap, lang)),
        ));
    }
    sentence
}

pub fn notice(conn: &mut DbConnection, incident_id: &str, lang: Lang) -> Result<CompensationNotice, Error> {
    let view = incidents::get(conn, None, incident_id)?;
    let incident = incidents::load(conn, incident_id)?;
    let policy = policies::latest(conn, incident_id)?;
    let (from, until) = (when(incident.row.claims_open_at), when(incident.row.claims_close_at));
    let window = lang.either(format!("신청 기간: {from}부터 {until}까지. 온라인 신청서로 신청하시면 접수번호와 처리 상태 확인 링크를 바로 받습니다."),
        format!("Claims are taken from {from} until {until}, on the online form; you get a reference and a status link at once."),
    );
    let criteria = match &policy {
        Some(stored) => stored.policy.rules.iter().map(|rule| criterion(rule, lang)).collect(),
        None => vec![lang.either("보상 기준은 아직 정해지지 않았습니다. 지금 신청하시면 기준이 정해진 뒤 그에 따라 계산됩니다.".into(),
            "The compensation criteria are not set yet. Claims filed now are calculated by them once they are.".into(),
        )],
    };
    let mut terms = vec![lang.either("피해 기간은 이 서비스의 기록된 장애 시간과 대조합니다. 기록된 장애와 겹치지 않는 기간은 보상하지 않습니다.".into(),
        "The loss period is checked against the recorded outage windows of the service; time outside them is not compensated.".into(),
    )];
    if let Some(threshold) = incident.review_threshold() {
        terms.push(lang.either(
            format!("{}을 넘는 청구는 담당자가 검토합니다.", amount(threshold, lang)),
            format!("Claims above {} are reviewed by a person.", amount(threshold, lang)),
        ));
    }
    terms.push(lang.either(
        "사업자 또는 개인마다 서비스별로 한 번 신청합니다. 피해가 더 있으면 기존 신청을 변경하세요.".into(),
        "One claim per business or person and service; if you lost more, change your claim.".into(),
    ));
    terms.push(lang.either(
        format!(
            "결정에 동의하지 않으시면 {}일 안에 처리 상태 페이지에서 이의 신청을 할 수 있습니다.",
            incident.row.appeal_days
        ),
        format!(
            "If you disagree with a decision, you can appeal from your status page within {} days.",
            incident.row.appeal_days
        ),
    ));
    if let Some(stored) = &policy {
        if let Some(budget) = stored.policy.budget {
            terms.push(lang.either(format!("보상 총액은 {}을 넘지 않으며, 넘는 경우 모든 지급액을 같은 비율로 줄입니다.", amount(budget, lang)),
                format!("Payments total at most {}; if claims add up to more, every payment is cut by the same factor.", amount(budget, lang)),
            ));
        }
    }
    Ok(CompensationNotice {
        incident_id: view.id,
        title: view.title,
        description: view.description,
        window,
        criteria,
        terms,
        policy_version: policy.map(|p| p.row.version),
    })
}
