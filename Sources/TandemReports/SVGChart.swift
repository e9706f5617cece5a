import TandemModel

/// Small charts drawn as inline SVG for `report.html`: columns, horizontal bars and lines. Every
/// series has a colour from the Okabe–Ito palette (told apart by colour-blind readers) and a fill
/// pattern or marker of its own, and every bar or point carries its number as text, so colour is never
/// the only cue. Coordinates are printed to a tenth, so the same data always gives the same bytes.
enum SVGChart {
    /// The Okabe–Ito colours used here (Okabe and Ito, "Color Universal Design", 2008).
    enum Colour {
        static let blue = "#0072B2"
        static let vermillion = "#D55E00"
        static let orange = "#E69F00"
        static let bluishGreen = "#009E73"
        static let reddishPurple = "#CC79A7"
        static let skyBlue = "#56B4E9"
        static let text = "#222222"
        static let grid = "#D9D9D9"
    }

    /// How a series fills its bars: a colour, with a texture over it for every series but the first.
    enum Texture: String { case solid, hatch, dots, cross }

    /// How a series marks its points on a line chart.
    enum Marker { case circle, square, triangle, diamond }

    struct Series {
        var name: String
        var values: [Double]
        var colour: String
        var texture: Texture = .solid
        var marker: Marker = .circle
        /// `stroke-dasharray` of its line ("" for a solid line).
        var dash: String = ""
    }

    /// A vertical line between columns, such as the waiting target: drawn before column `beforeIndex`.
    struct Threshold {
        var beforeIndex: Int
        var label: String
    }

    static let width = 720.0

    // MARK: - Columns

    /// Vertical columns, one group per category, one column per series in each group. Each column may
    /// override its series' colour and texture (`styleOf`), so a histogram can mark the bins past a target.
    static func columns(id: String, title: String, categories: [String], series: [Series], yLabel: String,
                        threshold: Threshold? = nil, styleOf: ((Int, Int) -> (colour: String, texture: Texture))? = nil,
                        legend: [(name: String, colour: String, texture: Texture)]? = nil) -> String {
        let height = 300.0
        let left = 56.0, right = 16.0, top = 28.0, bottom = 58.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = series.flatMap(\.values).max() ?? 0
        let ticks = niceTicks(maximum)
        let scale = ticks.last ?? 1
        var svg = open(id: id, title: title, height: height)
        svg += patterns(id: id, colours: series.map { ($0.colour, $0.texture) } + (legend ?? []).map { ($0.colour, $0.texture) }
            + (styleOf.map { style in categories.indices.flatMap { c in series.indices.map { s in style(c, s) } } } ?? []))
        svg += yAxis(ticks: ticks, left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight, label: yLabel)
        let groupWidth = plotWidth / Double(max(categories.count, 1))
        let barWidth = min(48, groupWidth * 0.8 / Double(max(series.count, 1)))
        for (c, category) in categories.enumerated() {
            let groupLeft = left + groupWidth * Double(c) + (groupWidth - barWidth * Double(series.count)) / 2
            for (s, one) in series.enumerated() {
                let value = one.values[c]
                let barHeight = scale > 0 ? plotHeight * value / scale : 0
                let x = groupLeft + barWidth * Double(s), y = top + plotHeight - barHeight
                let style: (colour: String, texture: Texture) = styleOf?(c, s) ?? (one.colour, one.texture)
                svg += rect(x: x, y: y, width: barWidth - 2, height: barHeight, colour: style.colour, texture: style.texture, id: id)
                svg += text(x: x + (barWidth - 2) / 2, y: y - 4, anchor: "middle", size: 11, count(value))
            }
            svg += text(x: left + groupWidth * (Double(c) + 0.5), y: top + plotHeight + 16, anchor: "middle", size: 11, category)
        }
        if let threshold {
            let x = left + groupWidth * Double(threshold.beforeIndex)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top - 8))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" stroke=\"\(Colour.text)\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
            svg += text(x: x + 4, y: top - 12, anchor: "start", size: 11, weight: "bold", threshold.label)
        }
        let entries = legend ?? series.map { ($0.name, $0.colour, $0.texture) }
        if entries.count > 1 || legend != nil {
            svg += legendRow(entries.map { ($0.0, $0.1, $0.2, nil) }, x: left, y: height - 16, id: id)
        }
        return svg + "</svg>"
    }

    // MARK: - Horizontal bars

    /// One row per category, one bar per series in each row, labelled with its number.
    static func bars(id: String, title: String, categories: [String], series: [Series], xLabel: String) -> String {
        let rowHeight = Double(series.count) * 14 + 10
        let left = 250.0, right = 48.0, top = 30.0
        let height = top + rowHeight * Double(categories.count) + 48
        let plotWidth = width - left - right
        let maximum = series.flatMap(\.values).max() ?? 0
        let ticks = niceTicks(maximum)
        let scale = ticks.last ?? 1
        var svg = open(id: id, title: title, height: height)
        svg += patterns(id: id, colours: series.map { ($0.colour, $0.texture) })
        let plotBottom = top + rowHeight * Double(categories.count)
        for tick in ticks {
            let x = left + plotWidth * tick / scale
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(plotBottom))\" stroke=\"\(Colour.grid)\"/>"
            svg += text(x: x, y: plotBottom + 14, anchor: "middle", size: 10, count(tick))
        }
        svg += text(x: left + plotWidth / 2, y: plotBottom + 30, anchor: "middle", size: 11, xLabel)
        for (c, category) in categories.enumerated() {
            let rowTop = top + rowHeight * Double(c)
            svg += text(x: left - 8, y: rowTop + rowHeight / 2 + 4, anchor: "end", size: 11, shortened(category, to: 40))
            for (s, one) in series.enumerated() {
                let value = one.values[c]
                let y = rowTop + 5 + 14 * Double(s)
                let barWidth = scale > 0 ? plotWidth * max(value, 0) / scale : 0
                svg += rect(x: left, y: y, width: barWidth, height: 12, colour: one.colour, texture: one.texture, id: id)
                svg += text(x: left + barWidth + 4, y: y + 10, anchor: "start", size: 10, count(value))
            }
        }
        if series.count > 1 {
            svg += legendRow(series.map { ($0.name, $0.colour, $0.texture, nil) }, x: 16, y: 16, id: id)
        }
        return svg + "</svg>"
    }

    // MARK: - Lines

    /// One point per category (a month) per series, joined by lines; a single month is drawn as its points
    /// alone, in the middle. Each series has its own marker and dash, and the legend gives its latest value.
    static func lines(id: String, title: String, categories: [String], series: [Series], yLabel: String) -> String {
        let height = 300.0
        let left = 56.0, right = 24.0, top = 28.0, bottom = 58.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = series.flatMap(\.values).max() ?? 0
        let ticks = niceTicks(maximum)
        let scale = ticks.last ?? 1
        var svg = open(id: id, title: title, height: height)
        svg += yAxis(ticks: ticks, left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight, label: yLabel)
        let step = categories.count > 1 ? plotWidth / Double(categories.count - 1) : 0
        func x(_ i: Int) -> Double { categories.count > 1 ? left + step * Double(i) : left + plotWidth / 2 }
        func y(_ value: Double) -> Double { top + plotHeight - (scale > 0 ? plotHeight * value / scale : 0) }
        // Label every month when they fit, else about twelve of them (the last always).
        let every = max(1, Int((Double(categories.count) / 12).rounded(.up)))
        for (i, category) in categories.enumerated() where i % every == 0 || i == categories.count - 1 {
            svg += text(x: x(i), y: top + plotHeight + 16, anchor: "middle", size: 11, category)
        }
        for one in series {
            if one.values.count > 1 {
                let points = one.values.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " ")
                svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(one.colour)\" stroke-width=\"2.5\""
                    + (one.dash.isEmpty ? "" : " stroke-dasharray=\"\(one.dash)\"") + "/>"
            }
            for (i, value) in one.values.enumerated() {
                svg += drawMarker(one.marker, x: x(i), y: y(value), colour: one.colour)
            }
        }
        // The latest value of each series in the legend: labels beside the points would overlap.
        let latest = categories.last.map { " (\($0): " } ?? " ("
        svg += legendRow(series.map { ($0.name + latest + ($0.values.last.map(count) ?? "—") + ")", $0.colour, Texture.solid, $0.marker) },
                         x: left, y: height - 16, id: id)
        return svg + "</svg>"
    }

    // MARK: - Pieces

    static func open(id: String, title: String, height: Double) -> String {
        "<svg viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-labelledby=\"\(id)-title\" class=\"chart\">"
            + "<title id=\"\(id)-title\">\(HTMLText.escape(title))</title>"
    }

    /// One pattern per textured colour, named `ID-TEXTURE-RRGGBB`.
    static func patterns(id: String, colours: [(String, Texture)]) -> String {
        var seen = Set<String>()
        var defs = ""
        for (colour, texture) in colours where texture != .solid {
            let name = patternName(id: id, colour: colour, texture: texture)
            guard seen.insert(name).inserted else { continue }
            defs += "<pattern id=\"\(name)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
            defs += "<rect width=\"6\" height=\"6\" fill=\"\(colour)\"/>"
            switch texture {
            case .hatch: defs += "<path d=\"M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2\" stroke=\"#FFFFFF\" stroke-width=\"1.4\"/>"
            case .dots: defs += "<circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#FFFFFF\"/>"
            case .cross: defs += "<path d=\"M0,3 h6 M3,0 v6\" stroke=\"#FFFFFF\" stroke-width=\"1.2\"/>"
            case .solid: break
            }
            defs += "</pattern>"
        }
        return defs.isEmpty ? "" : "<defs>\(defs)</defs>"
    }

    static func patternName(id: String, colour: String, texture: Texture) -> String {
        "\(id)-\(texture.rawValue)-\(colour.dropFirst())"
    }

    static func fill(_ colour: String, _ texture: Texture, id: String) -> String {
        texture == .solid ? colour : "url(#\(patternName(id: id, colour: colour, texture: texture)))"
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, colour: String, texture: Texture, id: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(width, 0)))\" height=\"\(f(max(height, 0)))\" fill=\"\(fill(colour, texture, id: id))\" stroke=\"\(colour)\"/>"
    }

    static func drawMarker(_ marker: Marker, x: Double, y: Double, colour: String) -> String {
        switch marker {
        case .circle:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"5\" fill=\"\(colour)\" stroke=\"#FFFFFF\"/>"
        case .square:
            return "<rect x=\"\(f(x - 5))\" y=\"\(f(y - 5))\" width=\"10\" height=\"10\" fill=\"\(colour)\" stroke=\"#FFFFFF\"/>"
        case .triangle:
            return "<path d=\"M\(f(x)),\(f(y - 6)) L\(f(x + 6)),\(f(y + 5)) L\(f(x - 6)),\(f(y + 5)) Z\" fill=\"\(colour)\" stroke=\"#FFFFFF\"/>"
        case .diamond:
            return "<path d=\"M\(f(x)),\(f(y - 6)) L\(f(x + 6)),\(f(y)) L\(f(x)),\(f(y + 6)) L\(f(x - 6)),\(f(y)) Z\" fill=\"\(colour)\" stroke=\"#FFFFFF\"/>"
        }
    }

    static func yAxis(ticks: [Double], left: Double, top: Double, plotWidth: Double, plotHeight: Double, label: String) -> String {
        let scale = ticks.last ?? 1
        var svg = ""
        for tick in ticks {
            let y = top + plotHeight - (scale > 0 ? plotHeight * tick / scale : 0)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"\(Colour.grid)\"/>"
            svg += text(x: left - 6, y: y + 4, anchor: "end", size: 10, count(tick))
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"\(Colour.text)\"/>"
        svg += "<text x=\"14\" y=\"\(f(top + plotHeight / 2))\" transform=\"rotate(-90 14 \(f(top + plotHeight / 2)))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(Colour.text)\">\(HTMLText.escape(label))</text>"
        return svg
    }

    static func legendRow(_ entries: [(name: String, colour: String, texture: Texture, marker: Marker?)], x: Double, y: Double, id: String) -> String {
        var svg = ""
        var at = x
        for entry in entries {
            if let marker = entry.marker {
                svg += drawMarker(marker, x: at + 6, y: y - 4, colour: entry.colour)
            } else {
                svg += rect(x: at, y: y - 10, width: 12, height: 12, colour: entry.colour, texture: entry.texture, id: id)
            }
            svg += text(x: at + 18, y: y, anchor: "start", size: 11, entry.name)
            at += 30 + Double(entry.name.count) * 6.2
        }
        return svg
    }

    static func text(x: Double, y: Double, anchor: String, size: Int, weight: String? = nil, _ content: String) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\"" + (weight.map { " font-weight=\"\($0)\"" } ?? "")
            + " fill=\"\(Colour.text)\">\(HTMLText.escape(content))</text>"
    }

    /// Axis ticks from 0 in steps of 1, 2 or 5 times a power of ten, about five of them, reaching `maximum`.
    static func niceTicks(_ maximum: Double) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0, 1] }
        var step = 1.0
        while maximum / step > 5 {
            for factor in [2.0, 2.5, 2.0] where maximum / step > 5 { step *= factor }
        }
        var ticks = [0.0]
        while ticks.last! < maximum { ticks.append(ticks.last! + step) }
        return ticks
    }

    /// A coordinate to a tenth, without Foundation's formatter.
    static func f(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let whole = tenths / 10, fraction = abs(tenths % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// A count as a whole number, any other value to a tenth.
    static func count(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : f(value)
    }

    static func shortened(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
