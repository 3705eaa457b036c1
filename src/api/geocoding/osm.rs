//! The OSM vocabulary of places, in one place: what Photon and Nominatim call
//! each [`PlaceKind`] (`place=city`, `boundary=administrative`, ranks, types).

use crate::places::PlaceKind;

impl PlaceKind {
    /// OSM's `place=*` or `boundary` value for the kind.
    pub fn osm_value(self) -> &'static str {
        match self {
            PlaceKind::City => "city",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::Suburb => "suburb",
            PlaceKind::Municipality | PlaceKind::County | PlaceKind::State => "administrative",
        }
    }

    /// Nominatim's `addresstype` (and the key of the place in `address`).
    pub fn address_type(self) -> &'static str {
        self.key()
    }

    /// Photon's `type`.
    pub fn photon_type(self) -> &'static str {
        match self {
            PlaceKind::City | PlaceKind::Town | PlaceKind::Village => "city",
            PlaceKind::Suburb => "district",
            PlaceKind::Municipality | PlaceKind::County => "county",
            PlaceKind::State => "state",
        }
    }

    /// Nominatim's `place_rank`.
    pub fn place_rank(self) -> u8 {
        match self {
            PlaceKind::City => 16,
            PlaceKind::Town => 18,
            PlaceKind::Village => 19,
            PlaceKind::Suburb => 20,
            PlaceKind::Municipality => 14,
            PlaceKind::County => 12,
            PlaceKind::State => 8,
        }
    }

    /// OSM's key: `place` for settlements, `boundary` for units.
    pub fn osm_key(self) -> &'static str {
        if self.is_settlement() {
            "place"
        } else {
            "boundary"
        }
    }

    /// OSM's element type: `node` for settlements, `relation` for units.
    pub fn osm_type(self) -> &'static str {
        if self.is_settlement() {
            "node"
        } else {
            "relation"
        }
    }

    /// The one-letter element type Photon uses (`N`, `R`).
    pub fn osm_type_letter(self) -> &'static str {
        if self.is_settlement() { "N" } else { "R" }
    }
}
