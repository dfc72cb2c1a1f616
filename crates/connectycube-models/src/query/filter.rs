//! The deprecated v1 list parameters: `filter[]=<type> <field> <op> <value>` and
//! `order=<asc|desc> <type> <field>`.

use super::paging::Order;
use super::search::SearchError;

/// Value type of a deprecated v1 `filter[]` (`number`, `string`, `date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterType {
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `date` (`yyyy-mm-dd` or `yyyy.mm.dd`).
    Date,
}

impl FilterType {
    /// From the wire name (`number`, `string`, `date`; any case).
    pub fn parse(name: &str) -> Option<Self> {
        [FilterType::Number, FilterType::String, FilterType::Date]
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name))
    }

    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            FilterType::Number => "number",
            FilterType::String => "string",
            FilterType::Date => "date",
        }
    }
}

/// Operator of a v1 `filter[]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterOp {
    /// `gt`.
    Gt,
    /// `lt`.
    Lt,
    /// `ge`.
    Ge,
    /// `le`.
    Le,
    /// `eq`.
    Eq,
    /// `ne`.
    Ne,
    /// `between` (two comma-separated values).
    Between,
    /// `in` (comma-separated values).
    In,
}

impl FilterOp {
    const ALL: [FilterOp; 8] = [
        FilterOp::Gt,
        FilterOp::Lt,
        FilterOp::Ge,
        FilterOp::Le,
        FilterOp::Eq,
        FilterOp::Ne,
        FilterOp::Between,
        FilterOp::In,
    ];

    /// From the wire name (`gt`, `in`, …; any case).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str().eq_ignore_ascii_case(name))
    }

    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            FilterOp::Gt => "gt",
            FilterOp::Lt => "lt",
            FilterOp::Ge => "ge",
            FilterOp::Le => "le",
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Between => "between",
            FilterOp::In => "in",
        }
    }
}

/// Deprecated v1 list filter: `filter[]=<type> <field> <op> <value>`.
#[derive(Clone, Debug, PartialEq)]
pub struct UserFilter {
    /// How the server compares the values.
    pub field_type: FilterType,
    /// The user field (anything but `custom_data`).
    pub field: String,
    /// The operator.
    pub op: FilterOp,
    /// One value, two for `between`, one or more for `in`.
    pub values: Vec<String>,
}

impl UserFilter {
    /// A filter; check it with [`UserFilter::validate`].
    pub fn new(
        field_type: FilterType,
        field: impl Into<String>,
        op: FilterOp,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            field_type,
            field: field.into(),
            op,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// A filter written in its wire form, `<type> <field> <op> <value>` (`number id in 1,2`), as
    /// the 1.x SDKs took it; values of `between`/`in` are comma-separated. Checked as by
    /// [`UserFilter::validate`].
    pub fn parse(text: &str) -> Result<Self, SearchError> {
        let mut parts = text.trim().splitn(4, ' ');
        let (Some(field_type), Some(field), Some(op), Some(value)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(SearchError(format!(
                "filter '{text}' is not '<type> <field> <operator> <value>'"
            )));
        };
        let field_type = FilterType::parse(field_type)
            .ok_or_else(|| SearchError(format!("filter type '{field_type}' is not number, string or date")))?;
        let op = FilterOp::parse(op).ok_or_else(|| SearchError(format!("unknown filter operator '{op}'")))?;
        let values: Vec<&str> = match op {
            FilterOp::Between | FilterOp::In => value.split(',').map(str::trim).collect(),
            _ => vec![value],
        };
        let filter = UserFilter::new(field_type, field, op, values);
        filter.validate()?;
        Ok(filter)
    }

    /// Rejects what the server would: an empty field or one with spaces, `custom_data` (not searchable),
    /// the wrong number of values (`between` 2, `in` at least 1, others exactly 1), commas inside the
    /// values of `between`/`in`, and `number` values that are not numbers.
    pub fn validate(&self) -> Result<(), SearchError> {
        let err = |msg: String| Err(SearchError(msg));
        let field = self.field.trim();
        if field.is_empty() || field.chars().any(char::is_whitespace) {
            return err(format!("invalid filter field '{}'", self.field));
        }
        if field.eq_ignore_ascii_case("custom_data") {
            return err("custom_data cannot be filtered".to_owned());
        }
        let n = self.values.len();
        let count_ok = match self.op {
            FilterOp::Between => n == 2,
            FilterOp::In => n >= 1,
            _ => n == 1,
        };
        if !count_ok {
            return err(format!("'{}' cannot take {n} value(s)", self.op.as_str()));
        }
        let multi = matches!(self.op, FilterOp::Between | FilterOp::In);
        for value in &self.values {
            if value.trim().is_empty() && self.field_type != FilterType::String {
                return err(format!("empty {} value", self.field_type.as_str()));
            }
            if multi && value.contains(',') {
                return err(format!("'{value}' contains a comma, which separates values"));
            }
            if self.field_type == FilterType::Number && !is_decimal_number(value.trim()) {
                return err(format!("'{value}' is not a number"));
            }
        }
        Ok(())
    }

    /// The `filter[]` value, e.g. `number id in 51941,51946`.
    pub fn to_query_value(&self) -> String {
        format!(
            "{} {} {} {}",
            self.field_type.as_str(),
            self.field.trim(),
            self.op.as_str(),
            self.values.join(",")
        )
    }
}

/// A number as written in a filter: an optional sign, digits with an optional fraction, and an
/// optional exponent (`42`, `-1.5`, `.5`, `2e3`). Checked by hand rather than with
/// `str::parse::<f64>`, whose parser would add some 17 KB to the mobile library for this one check.
fn is_decimal_number(text: &str) -> bool {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let whole = digits(rest);
    let rest = &rest[whole..];
    let (fraction, rest) = match rest.strip_prefix('.') {
        Some(after) => (digits(after), &after[digits(after)..]),
        None => (0, rest),
    };
    if whole + fraction == 0 {
        return false;
    }
    match rest.strip_prefix(['e', 'E']) {
        None => rest.is_empty(),
        Some(exponent) => {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            !exponent.is_empty() && digits(exponent) == exponent.len()
        }
    }
}

/// Deprecated v1 list order: `order=<asc|desc> <type> <field>`.
#[derive(Clone, Debug, PartialEq)]
pub struct UserOrder {
    /// The direction.
    pub order: Order,
    /// How the server compares the field.
    pub field_type: FilterType,
    /// The user field.
    pub field: String,
}

impl UserOrder {
    /// An order by `field`.
    pub fn new(order: Order, field_type: FilterType, field: impl Into<String>) -> Self {
        Self {
            order,
            field_type,
            field: field.into(),
        }
    }

    /// An order written in its wire form, `<asc|desc> <type> <field>`.
    pub fn parse(text: &str) -> Result<Self, SearchError> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [order, field_type, field] = parts.as_slice() else {
            return Err(SearchError(format!(
                "order '{text}' is not '<asc|desc> <type> <field>'"
            )));
        };
        let order = match order.to_ascii_lowercase().as_str() {
            "asc" => Order::Asc,
            "desc" => Order::Desc,
            _ => return Err(SearchError(format!("order direction '{order}' is not asc or desc"))),
        };
        let field_type = FilterType::parse(field_type)
            .ok_or_else(|| SearchError(format!("order type '{field_type}' is not number, string or date")))?;
        Ok(UserOrder::new(order, field_type, *field))
    }

    /// The `order` value, e.g. `desc string full_name`.
    pub fn to_query_value(&self) -> String {
        format!(
            "{} {} {}",
            self.order.as_str(),
            self.field_type.as_str(),
            self.field.trim()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::is_decimal_number;

    #[test]
    fn decimal_numbers_as_filters_write_them() {
        for good in ["0", "42", "-7", "+3", "1.5", "1.", ".5", "2e3", "2.5E-3", "-1e+10"] {
            assert!(is_decimal_number(good), "{good}");
        }
        for bad in [
            "", "-", ".", "abc", "NaN", "inf", "1,5", "1.2.3", "1e", "e5", "1e+", "0x10", "1 2", "١٢",
        ] {
            assert!(!is_decimal_number(bad), "{bad}");
        }
    }
}
