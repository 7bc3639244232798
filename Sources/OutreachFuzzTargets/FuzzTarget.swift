/// The parts of Outreach that read what people write, each as one function
/// of an input's bytes: the libFuzzer executables under `Fuzz/` call these,
/// and `OutreachFuzzTests` replays every saved crash input through them, so
/// a regression test takes exactly the fuzzer's path.
///
/// `run` returns for every input: bad input is an error value, never a
/// crash. It traps only when Outreach crashes or when one of the properties
/// a target checks does not hold (say, an import giving a different result
/// when the file arrives in other chunks); that is what the fuzzer looks for.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A CSV and a JSON Lines population under a schema with every field type.
    case populationImport = "population-import"
    /// An audience `where` rule: parsed, checked, compiled and evaluated over a small population.
    case audienceRule = "audience-rule"
    /// A MessageFormat message parsed and rendered in an accepted locale.
    case messageFormat = "message-format"
    /// A YAML file read as each of the project's files (outreach.yaml, schema, audience, template, campaign, gateways.yaml).
    case projectYAML = "project-yaml"

    /// Runs one input through the target.
    public func run(_ input: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .populationImport: PopulationImportTarget.run(input)
        case .audienceRule: AudienceRuleTarget.run(input)
        case .messageFormat: MessageFormatTarget.run(input)
        case .projectYAML: ProjectYAMLTarget.run(input)
        }
    }

    public func run(_ input: [UInt8]) {
        input.withUnsafeBufferPointer { run($0) }
    }
}
