//! Pages of deal registration. (Filled in by the UI commit.)
