//! The links of a page of items: itself, its collection, and the next and
//! previous pages, each the request's query with another `limit` and
//! `offset`.

use super::shared::{COLLECTION_ID, Link, link};
use crate::api::response::content_type::{GEOJSON, JSON};

/// The request's query pairs without `limit` and `offset`, then the given ones.
pub fn page_query(pairs: &[(String, String)], limit: usize, offset: usize) -> String {
    let mut out: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "limit" && k != "offset")
        .cloned()
        .collect();
    out.push(("limit".into(), limit.to_string()));
    if offset > 0 {
        out.push(("offset".into(), offset.to_string()));
    }
    serde_urlencoded::to_string(&out).unwrap_or_default()
}

/// Where a page lies among the matches.
pub struct PageAt {
    /// Page size.
    pub limit: usize,
    /// Page start.
    pub offset: usize,
    /// Features on this page.
    pub returned: usize,
    /// Every match.
    pub matched: usize,
}

/// The links of a page: self, collection, and next and prev when there are.
pub fn page_links(base: &str, pairs: &[(String, String)], at: PageAt) -> Vec<Link> {
    let PageAt {
        limit,
        offset,
        returned,
        matched,
    } = at;
    let url = format!("{base}/ogc/collections/{COLLECTION_ID}/items");
    let mut links = vec![
        link(
            format!("{url}?{}", page_query(pairs, limit, offset)),
            "self",
            GEOJSON,
            "This page",
        ),
        link(
            format!("{base}/ogc/collections/{COLLECTION_ID}"),
            "collection",
            JSON,
            "The collection",
        ),
    ];
    if offset + returned < matched {
        links.push(link(
            format!("{url}?{}", page_query(pairs, limit, offset + returned)),
            "next",
            GEOJSON,
            "Next page",
        ));
    }
    if offset > 0 {
        // Past the end, the previous page is the last one that holds items.
        let prev = offset.min(matched).saturating_sub(limit);
        links.push(link(
            format!("{url}?{}", page_query(pairs, limit, prev)),
            "prev",
            GEOJSON,
            "Previous page",
        ));
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_replace_limit_and_offset() {
        let pairs = vec![
            ("bbox".to_string(), "14,49,24,55".to_string()),
            ("limit".to_string(), "2".to_string()),
            ("offset".to_string(), "2".to_string()),
        ];
        assert_eq!(
            page_query(&pairs, 2, 4),
            "bbox=14%2C49%2C24%2C55&limit=2&offset=4"
        );
        assert_eq!(page_query(&pairs, 2, 0), "bbox=14%2C49%2C24%2C55&limit=2");
    }
}
