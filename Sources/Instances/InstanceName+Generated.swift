extension InstanceName {
    static let adjectives = [
        "able", "bold", "brave", "bright", "calm", "clever", "cool", "crisp", "eager", "fair", "famous", "fine",
        "fluent", "fond", "frank", "free", "fresh", "glad", "golden", "grand", "handy", "happy", "hardy", "honest",
        "jolly", "keen", "kind", "lively", "loyal", "lucky", "merry", "modest", "neat", "nice", "noble", "patient",
        "polite", "proud", "quick", "quiet", "rapid", "ready", "sharp", "shining", "smart", "steady", "sunny", "swift",
        "tidy", "vital", "warm", "wise",
    ]
    static let animals = [
        "badger", "bass", "bee", "bison", "buck", "camel", "cat", "cobra", "crane", "deer", "dingo", "dodo", "eagle",
        "eel", "elk", "falcon", "ferret", "finch", "fox", "gecko", "goat", "gopher", "hare", "hawk", "heron", "ibex",
        "jackal", "jaguar", "koala", "lark", "lemur", "lion", "llama", "lynx", "marlin", "mink", "moose", "mule",
        "newt", "otter", "owl", "panda", "pony", "puma", "quail", "raven", "robin", "seal", "shrew", "sloth", "swan",
        "tiger", "toad", "trout", "wasp", "whale", "wren", "yak",
    ]

    /// A free name in LXD's style (`happy-otter`) for a create without one; `isTaken` sees each
    /// candidate. After a few collisions a number is added, so this always ends.
    public static func generated(isTaken: (String) -> Bool) -> String {
        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<1000 {
            var name =
                "\(adjectives.randomElement(using: &generator)!)-\(animals.randomElement(using: &generator)!)"
            if attempt >= 10 { name += "-\(Int.random(in: 2...99_999, using: &generator))" }
            if !isTaken(name) { return name }
        }
        return "instance-\(UInt64.random(in: 0...UInt64.max, using: &generator))"
    }
}
