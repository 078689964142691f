//! How the domain's enums are stored: as the same text they always were, read back strictly.
//!
//! The impls live here rather than beside the types so that `domain/` stays free of diesel; the
//! orphan rule allows it because the types are this crate's. An unknown stored value is a
//! corrupt row and fails the query: it is never read as some default.

use diesel::backend::Backend;
use diesel::deserialize::FromSqlRow;
use diesel::deserialize::{self, FromSql};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::batch::{BatchStatus, LineStatus};
use crate::domain::claim::{Channel, ClaimStatus, OwnerKind};
use crate::domain::claimant::ClaimantKind;
use crate::domain::document::DocumentStatus;
use crate::domain::lang::Lang;
use crate::domain::money::Currency;
use crate::domain::notice::{NoticeChannel, NoticeKind, NoticeStatus};
use crate::domain::severity::Severity;
use crate::domain::upload::UploadStatus;

/// Stores `$ty` as the text of `$as_str`, and reads it back with `$parse` (an `Option`).
macro_rules! stored_as_text {
    ($proxy:ident, $ty:ty, $what:literal, $as_str:expr, $parse:expr) => {
        /// Carries the derived expression impls over to the domain type (`foreign_derive`).
        #[derive(AsExpression, FromSqlRow)]
        #[diesel(foreign_derive, sql_type = Text)]
        #[allow(dead_code)]
        struct $proxy($ty);

        impl<DB> ToSql<Text, DB> for $ty
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                let text: &'static str = $as_str(*self);
                <str as ToSql<Text, DB>>::to_sql(text, out)
            }
        }

        impl<DB> FromSql<Text, DB> for $ty
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                let parse: fn(&str) -> Option<$ty> = $parse;
                parse(&text).ok_or_else(|| format!("unknown stored {}: {:?}", $what, text).into())
            }
        }
    };
}

stored_as_text!(ClaimStatusSql, ClaimStatus, "claim status", ClaimStatus::as_str, ClaimStatus::parse);
stored_as_text!(BatchStatusSql, BatchStatus, "batch status", BatchStatus::as_str, BatchStatus::parse);
stored_as_text!(LineStatusSql, LineStatus, "line status", LineStatus::as_str, LineStatus::parse);
stored_as_text!(ChannelSql, Channel, "channel", Channel::as_str, Channel::parse);
stored_as_text!(OwnerKindSql, OwnerKind, "owner kind", OwnerKind::as_str, OwnerKind::parse);
stored_as_text!(ClaimantKindSql, ClaimantKind, "claimant kind", ClaimantKind::as_str, ClaimantKind::parse);
stored_as_text!(SeveritySql, Severity, "severity", Severity::as_str, Severity::parse);
stored_as_text!(UploadStatusSql, UploadStatus, "upload status", UploadStatus::as_str, UploadStatus::parse);
stored_as_text!(CurrencySql, Currency, "currency", Currency::code, |code| Currency::parse(code).ok());
stored_as_text!(
    DocumentStatusSql,
    DocumentStatus,
    "document status",
    DocumentStatus::as_str,
    DocumentStatus::parse
);
stored_as_text!(LangSql, Lang, "language", Lang::code, Lang::parse);
stored_as_text!(NoticeKindSql, NoticeKind, "notice kind", NoticeKind::as_str, NoticeKind::parse);
stored_as_text!(
    NoticeChannelSql,
    NoticeChannel,
    "notice channel",
    NoticeChannel::as_str,
    NoticeChannel::parse
);
stored_as_text!(NoticeStatusSql, NoticeStatus, "notice status", NoticeStatus::as_str, NoticeStatus::parse);
