//! Every unit enum's wire names (read by `wire_names!`) are the names its derived writer
//! writes, both ways, in JSON text and JSON values and as map keys; an unknown name is refused.

use std::collections::BTreeMap;

use serde::{Serialize, de::DeserializeOwned};

fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Copy>(
    all: &[(T, &'static str)],
) {
    assert!(!all.is_empty());
    for (v, name) in all {
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::json!(name),
            "{v:?}"
        );
        assert_eq!(
            serde_json::from_str::<T>(&format!("\"{name}\"")).unwrap(),
            *v
        );
        assert_eq!(
            serde_json::from_value::<T>(serde_json::json!(name)).unwrap(),
            *v
        );
        let keyed: BTreeMap<String, T> =
            serde_json::from_str(&format!("{{\"k\": \"{name}\"}}")).unwrap();
        assert_eq!(keyed["k"], *v);
    }
    let err = serde_json::from_str::<T>("\"no_such_name\"").unwrap_err();
    assert!(
        err.to_string().contains("unknown variant `no_such_name`"),
        "{err}"
    );
}

macro_rules! all_checked {
    ($($ty:path),+ $(,)?) => {
        #[test]
        fn every_unit_enum_reads_what_it_writes() {
            $(check(<$ty>::WIRE);)+
        }
    };
}

all_checked!(
    tousu_shared::access::Role,
    tousu_shared::access::Visibility,
    tousu_shared::api::DeviceKind,
    tousu_shared::event::CommandKind,
    tousu_shared::event::Finding,
    tousu_shared::event::Fault,
    tousu_shared::event::Fact,
    tousu_shared::model::CaseKind,
    tousu_shared::model::Channel,
    tousu_shared::model::Severity,
    tousu_shared::model::Stage,
    tousu_shared::model::Outcome,
    tousu_shared::model::ComplainantType,
    tousu_shared::model::NoteKind,
    tousu_shared::model::PlanDecision,
    tousu_shared::model::FeedbackChannel,
    tousu_shared::model::RevisitMethod,
    tousu_shared::model::Satisfaction,
    tousu_shared::model::Responsibility,
    tousu_shared::model::Measure,
    tousu_shared::profile::SheetField,
    tousu_shared::reports::AppealState,
    tousu_shared::rules::Path,
    tousu_shared::sla::SlaStage,
    tousu_shared::stats::Dimension,
    tousu_shared::stats::AppraisalBy,
    tousu_shared::summary::CaseSort,
    tousu_shared::validate::Field,
);

#[test]
fn denials_read_what_they_write() {
    for (v, name) in tousu_shared::access::Denied::WIRE {
        assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(name));
        let back: tousu_shared::access::Denied =
            serde_json::from_value(serde_json::json!(name)).unwrap();
        assert_eq!(back.to_string(), v.to_string());
    }
}
