/// Whose bank holidays keep sessions clear: the `[sessions] holiday_region` setting.
///
/// The value lives here, beside the configuration that names it, so that a misspelt region is a
/// configuration error when the file is read; the dates themselves are computed by rule in
/// TandemScheduling (`HolidayRules`), so an installed `tandem` needs no data files.
public enum HolidayRegion: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case englandAndWales = "england-and-wales"
    case scotland
    case northernIreland = "northern-ireland"
    /// The Republic of Ireland.
    case ireland
    /// `none`: no bank holidays, only the scheme's own `blackout_dates` are kept clear. (Not
    /// spelt `.none`, which an optional region would confuse with `Optional.none`.)
    case noHolidays = "none"

    /// The region's name as reports and messages write it.
    public var name: String {
        switch self {
        case .englandAndWales: "England and Wales"
        case .scotland: "Scotland"
        case .northernIreland: "Northern Ireland"
        case .ireland: "Ireland"
        case .noHolidays: "no region"
        }
    }

    public var description: String { rawValue }

    /// The setting's values as a message lists them: "england-and-wales, scotland, … or none".
    public static var allowedList: String {
        let values = allCases.map(\.rawValue)
        return values.dropLast().joined(separator: ", ") + " or " + values.last!
    }

    /// Reads a configured value, ignoring case, surrounding spaces and `_` for `-`
    /// (`Northern_Ireland` is plainly meant); nil when it names no region.
    public init?(setting: String) {
        let folded = setting.trimmingWhitespace().lowercased().replacingOccurrences(of: "_", with: "-")
        self.init(rawValue: folded)
    }
}
