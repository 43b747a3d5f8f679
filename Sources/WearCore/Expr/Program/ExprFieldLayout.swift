/// The field slots of a program: every distinct field path (and every
/// prefix of one: `meta` for `meta.src`) gets one slot index, and the load
/// plan says how to fill them per record, parents before children:
///
/// - the top-level names, in one pass over the root object's members
///   (`JSONMemberTable`: a hash probe per member, not a look-up per name);
/// - the `.name` children of a slot, likewise in one pass over its members;
/// - the `[index]` children of a slot, one array look-up each.
struct ExprFieldLayout {
    /// Slot index -> its path.
    private(set) var paths: [FieldPath] = []
    private var slots: [FieldPath: Int] = [:]

    /// One step of filling the slots for a record.
    enum LoadStep {
        /// Slots filled from the members of the slot `parent` (-1: the root object).
        case members(parent: Int, JSONMemberTable)
        /// Slot `slot` is element `index` of the array in slot `parent`.
        case element(slot: Int, index: Int, parent: Int)
    }

    var count: Int { paths.count }

    /// The slot of `path`, adding it (and its prefixes) when new.
    mutating func add(_ path: FieldPath) -> Int {
        if let slot = slots[path] { return slot }
        if !path.steps.isEmpty { _ = add(FieldPath(path.root, Array(path.steps.dropLast()))) }
        let slot = paths.count
        paths.append(path)
        slots[path] = slot
        return slot
    }

    /// The slot of a path already added.
    func slot(of path: FieldPath) -> Int? { slots[path] }

    /// The parent slot of `slot` (-1 for a top-level name) and its last step.
    private func parent(of slot: Int) -> (parent: Int, step: FieldPath.Step?) {
        let path = paths[slot]
        guard let last = path.steps.last else { return (-1, nil) }
        return (slots[FieldPath(path.root, Array(path.steps.dropLast()))] ?? -1, last)
    }

    /// The steps that fill every slot, in an order where each slot's parent is filled first.
    func plan() -> [LoadStep] {
        var members: [Int: [(name: String, slot: Int)]] = [:]
        var elements: [Int: [(index: Int, slot: Int)]] = [:]
        for slot in paths.indices {
            switch parent(of: slot) {
            case (let parent, nil): members[parent, default: []].append((paths[slot].root, slot))
            case (let parent, .key(let name)?): members[parent, default: []].append((name, slot))
            case (let parent, .index(let index)?): elements[parent, default: []].append((index, slot))
            }
        }
        var plan: [LoadStep] = []
        if let top = members[-1] { plan.append(.members(parent: -1, JSONMemberTable(top))) }
        // Slots are numbered parents first (`add` adds a prefix before its path).
        for slot in paths.indices {
            if let children = members[slot] { plan.append(.members(parent: slot, JSONMemberTable(children))) }
            for child in elements[slot] ?? [] { plan.append(.element(slot: child.slot, index: child.index, parent: slot)) }
        }
        return plan
    }
}
