//! 補充信息: corrections to the record sheet. The form opens on the sheet as it stands; the
//! goods, which it does not show, are kept from the case itself; the rules are the shared
//! ones the server also runs ([`RecordAmended::check`]).

use leptos::prelude::*;
use tousu_shared::{
    event::{EventBody, RecordAmended},
    model::{CaseDetails, Complainant, Registration},
    validate::{Field, FieldError, LongText, ShortText},
};

use super::{Ctx, Draft, Form, text};
use crate::{
    components::{CheckField, TextField},
    forms::{
        Check, Values, complainant, format_local_datetime, get, parse_local_datetime,
        sheet::{
            ADDRESS, ANONYMOUS, DESCRIPTION, EMAIL, LOCATION, NAME, OCCURRED_AT, ORGANISATION,
            PHONE, REQUEST,
        },
    },
    labels::use_tr,
};

/// The record sheet's complainant block and details.
pub struct AmendRecord;

/// The form's starting values: the record sheet as it stands.
fn start_values(r: &Registration, offset: i32) -> Values {
    let text = |t: Option<&str>| t.unwrap_or_default().to_string();
    let c = &r.complainant;
    let d = &r.details;
    tousu_shared::order::map_of(
        [
            (
                ANONYMOUS,
                if r.anonymous {
                    "true".to_string()
                } else {
                    String::new()
                },
            ),
            (NAME, text(c.name.as_ref().map(|x| x.as_str()))),
            (PHONE, text(c.phone.as_ref().map(|x| x.as_str()))),
            (EMAIL, text(c.email.as_ref().map(|x| x.as_str()))),
            (
                ORGANISATION,
                text(c.organisation.as_ref().map(|x| x.as_str())),
            ),
            (ADDRESS, text(c.address.as_ref().map(|x| x.as_str()))),
            (LOCATION, text(d.location.as_ref().map(|x| x.as_str()))),
            (DESCRIPTION, d.description.as_str().to_string()),
            (REQUEST, text(d.request.as_ref().map(|x| x.as_str()))),
            (
                OCCURRED_AT,
                d.occurred_at
                    .map(|t| format_local_datetime(t, offset))
                    .unwrap_or_default(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v)),
    )
}

impl Form for AmendRecord {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Contact, PHONE),
            (Field::ComplainantName, NAME),
            (Field::Phone, PHONE),
            (Field::Email, EMAIL),
            (Field::Organisation, ORGANISATION),
            (Field::Address, ADDRESS),
            (Field::OccurredAt, OCCURRED_AT),
            (Field::Location, LOCATION),
            (Field::Description, DESCRIPTION),
            (Field::Request, REQUEST),
        ]
    }

    fn start(&self, ctx: &Ctx) -> Values {
        ctx.view
            .as_ref()
            .and_then(|v| v.registration.as_ref())
            .map(|r| start_values(r, ctx.offset))
            .unwrap_or_default()
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        view! {
            <CheckField form=form name=ANONYMOUS label=text(tr, "匿名投诉（不留个人信息）", "匿名投訴（不留個人資訊）", "Anonymous (no personal data)")/>
            <div class="grid-2">
                <TextField form=form name=NAME field=Field::ComplainantName label=text(tr, "姓名", "姓名", "Name")/>
                <TextField form=form name=PHONE input_type="tel" field=Field::Phone label=text(tr, "联系电话", "聯絡電話", "Phone")/>
                <TextField form=form name=EMAIL input_type="email" field=Field::Email label=text(tr, "电子邮件", "電子郵件", "E-mail")/>
                <TextField form=form name=ORGANISATION field=Field::Organisation label=text(tr, "单位", "單位", "Organisation")/>
            </div>
            <TextField form=form name=ADDRESS field=Field::Address label=text(tr, "地址", "地址", "Address")/>
            <div class="grid-2">
                <TextField form=form name=OCCURRED_AT input_type="datetime-local" field=Field::OccurredAt label=text(tr, "发生时间", "發生時間", "When it happened")/>
                <TextField form=form name=LOCATION field=Field::Location label=text(tr, "发生地点", "發生地點", "Where")/>
            </div>
            <TextField form=form name=DESCRIPTION multiline=true required=true field=Field::Description label=text(tr, "投诉事由", "投訴事由", "What happened")/>
            <TextField form=form name=REQUEST multiline=true field=Field::Request label=text(tr, "客户诉求", "客戶訴求", "What the complainant asks for")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let before = ctx.view.as_ref().and_then(|v| v.registration.as_ref());
        let mut c = Check::default();
        let anonymous = get(v, ANONYMOUS) == "true";
        let named = complainant(&mut c, v);
        let mut amended = RecordAmended {
            complainant: Some(if anonymous {
                Complainant::default()
            } else {
                named
            }),
            anonymous: Some(anonymous),
            details: None,
        };
        // The contact rule, as the server runs it on the push.
        if let Err(errors) = amended.check(before) {
            c.extend(errors);
        }
        let description = c.take(LongText::parse(Field::Description, get(v, DESCRIPTION)));
        amended.details = description.map(|description| CaseDetails {
            occurred_at: c.opt(get(v, OCCURRED_AT), |s| {
                parse_local_datetime(Field::OccurredAt, s, ctx.offset)
            }),
            location: c.opt(get(v, LOCATION), |s| ShortText::parse(Field::Location, s)),
            description,
            request: c.opt(get(v, REQUEST), |s| LongText::parse(Field::Request, s)),
            // Goods are not on the form: kept as they are.
            goods: before.and_then(|r| r.details.goods.clone()),
        });
        let body = amended
            .details
            .is_some()
            .then_some(EventBody::RecordAmended(amended));
        c.finish(body)
    }
}
