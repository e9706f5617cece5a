extension Duration {
    /// The duration in seconds, for timing reports.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
