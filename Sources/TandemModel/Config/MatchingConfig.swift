/// The matching's rules, weights and limits. Each weight is the most points its part of the
/// compatibility score can add (or, for the organisation penalty, take away); a pair's score is the
/// sum of its parts, so with the defaults a perfect pair scores about 100.
public struct MatchingConfig: Sendable, Hashable, Decodable {
    /// Fewer years than this and an applicant can only be a junior partner.
    public var minimumSeniorYears = 2.0
    /// The scheme's promise: everyone paired within this many months of applying.
    public var waitingTargetMonths = 3
    /// Points for the junior's development areas covered by the senior's expertise (scarce areas count more).
    public var developmentWeight = 40.0
    /// Points for the senior's development areas covered by the junior's expertise (reciprocal learning).
    public var reciprocalWeight = 15.0
    /// Points for common free hours each week over the six months (full points at `fullAvailabilityHours`).
    public var availabilityWeight = 15.0
    /// Common weekly hours that earn the full availability points.
    public var fullAvailabilityHours = 6.0
    /// Points for an experience gap inside the preferred band.
    public var experienceWeight = 10.0
    /// The preferred experience gap in years (senior minus junior), lower and upper end.
    public var experienceGapBand = [3.0, 15.0]
    /// Points for compatible ways to meet (in person needs the same region).
    public var meetingWeight = 5.0
    /// Points for how close each partner's goals are to the other's profile (TF-IDF cosine).
    public var goalsWeight = 10.0
    /// Points when one named the other as preferred partner; doubled when both did.
    public var preferredPartnerBonus = 10.0
    /// Points taken off when both work for the same organisation (names normalised).
    public var sameOrganisationPenalty = 10.0
    /// `penalise` (default), `forbid`, or `allow` pairs within one organisation.
    public var sameOrganisation = "penalise"
    /// Candidate partners kept per person before the solve (seniors: this many per place). An overdue
    /// applicant left unpaired gets all their allowed partners back and the pairing is solved again.
    public var candidatesPerPerson = 10
    /// Stop each solve after this many seconds and report the gap.
    public var solverTimeLimitSeconds = 120.0
    /// Relative MIP gap accepted (0 = prove optimality).
    public var mipGap = 0.0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minimumSeniorYears = "minimum_senior_years"
        case waitingTargetMonths = "waiting_target_months"
        case developmentWeight = "development_weight"
        case reciprocalWeight = "reciprocal_weight"
        case availabilityWeight = "availability_weight"
        case fullAvailabilityHours = "full_availability_hours"
        case experienceWeight = "experience_weight"
        case experienceGapBand = "experience_gap_band"
        case meetingWeight = "meeting_weight"
        case goalsWeight = "goals_weight"
        case preferredPartnerBonus = "preferred_partner_bonus"
        case sameOrganisationPenalty = "same_organisation_penalty"
        case sameOrganisation = "same_organisation"
        case candidatesPerPerson = "candidates_per_person"
        case solverTimeLimitSeconds = "solver_time_limit_seconds"
        case mipGap = "mip_gap"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        // TOML tells 30 from 30.0; a coordinator should not have to.
        func value(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            if let whole = try? c.decodeIfPresent(Int.self, forKey: key) { return Double(whole) }
            return try c.decodeIfPresent(Double.self, forKey: key) ?? fallback
        }
        func value(_ key: CodingKeys, _ fallback: [Double]) throws -> [Double] {
            if let whole = try? c.decodeIfPresent([Int].self, forKey: key) { return whole.map(Double.init) }
            return try c.decodeIfPresent([Double].self, forKey: key) ?? fallback
        }
        minimumSeniorYears = try value(.minimumSeniorYears, minimumSeniorYears)
        waitingTargetMonths = try value(.waitingTargetMonths, waitingTargetMonths)
        developmentWeight = try value(.developmentWeight, developmentWeight)
        reciprocalWeight = try value(.reciprocalWeight, reciprocalWeight)
        availabilityWeight = try value(.availabilityWeight, availabilityWeight)
        fullAvailabilityHours = try value(.fullAvailabilityHours, fullAvailabilityHours)
        experienceWeight = try value(.experienceWeight, experienceWeight)
        experienceGapBand = try value(.experienceGapBand, experienceGapBand)
        meetingWeight = try value(.meetingWeight, meetingWeight)
        goalsWeight = try value(.goalsWeight, goalsWeight)
        preferredPartnerBonus = try value(.preferredPartnerBonus, preferredPartnerBonus)
        sameOrganisationPenalty = try value(.sameOrganisationPenalty, sameOrganisationPenalty)
        sameOrganisation = try value(.sameOrganisation, sameOrganisation)
        candidatesPerPerson = try value(.candidatesPerPerson, candidatesPerPerson)
        solverTimeLimitSeconds = try value(.solverTimeLimitSeconds, solverTimeLimitSeconds)
        mipGap = try value(.mipGap, mipGap)
        try check()
    }

    /// Rejects settings that make no sense, naming the key.
    func check() throws {
        func fail(_ key: CodingKeys, _ why: String) throws -> Never {
            throw ConfigError(file: "", line: nil, message: "matching.\(key.rawValue): \(why)")
        }
        let weights: [(CodingKeys, Double)] = [
            (.developmentWeight, developmentWeight), (.reciprocalWeight, reciprocalWeight),
            (.availabilityWeight, availabilityWeight), (.experienceWeight, experienceWeight),
            (.meetingWeight, meetingWeight), (.goalsWeight, goalsWeight),
            (.preferredPartnerBonus, preferredPartnerBonus), (.sameOrganisationPenalty, sameOrganisationPenalty),
        ]
        for (key, weight) in weights where !(weight.isFinite && weight >= 0 && weight <= 1000) {
            try fail(key, "must be a number from 0 to 1000")
        }
        if !(minimumSeniorYears.isFinite && minimumSeniorYears >= 0) { try fail(.minimumSeniorYears, "must be 0 or more") }
        if !(1...36).contains(waitingTargetMonths) { try fail(.waitingTargetMonths, "must be from 1 to 36") }
        if !(fullAvailabilityHours > 0 && fullAvailabilityHours <= 80) { try fail(.fullAvailabilityHours, "must be from 0 to 80") }
        if experienceGapBand.count != 2 || experienceGapBand[0] > experienceGapBand[1] {
            try fail(.experienceGapBand, "must be two numbers, lower first, such as [3, 15]")
        }
        if !["penalise", "forbid", "allow"].contains(sameOrganisation) {
            try fail(.sameOrganisation, "must be \"penalise\", \"forbid\" or \"allow\"")
        }
        if !(1...1000).contains(candidatesPerPerson) { try fail(.candidatesPerPerson, "must be from 1 to 1000") }
        if !(solverTimeLimitSeconds > 0) { try fail(.solverTimeLimitSeconds, "must be more than 0") }
        if !(mipGap >= 0 && mipGap < 1) { try fail(.mipGap, "must be from 0 to less than 1") }
    }
}
