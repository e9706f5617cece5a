/// The scheme's promise, "paired within three months of applying", in one place: a person is past
/// the target on a day when that day is on or after the same day of the month `targetMonths` after
/// they first applied (the month's last day when it is shorter).
public enum WaitingTarget {
    public static func dueDay(appliedOn applied: LocalDate, targetMonths: Int) -> LocalDate {
        let due = applied.yearMonth.adding(months: targetMonths)
        return LocalDate(year: due.year, month: due.month, day: min(applied.day, due.dayCount))
    }

    public static func isPast(appliedOn applied: LocalDate, on day: LocalDate, targetMonths: Int) -> Bool {
        dueDay(appliedOn: applied, targetMonths: targetMonths) <= day
    }
}
