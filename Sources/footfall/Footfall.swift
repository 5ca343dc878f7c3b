import ArgumentParser

@main
struct Footfall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footfall",
        abstract: "Count people in video: lines crossed, zones occupied, live and over time.",
        discussion: """
            Footfall decodes camera streams or files, finds and follows people, counts who crosses \
            each counting line in which direction and how many are inside each zone, stores the \
            results and serves them over a REST + WebSocket API and a web dashboard.
            """,
        subcommands: [Serve.self, Worker.self, Count.self, Eval.self, Bench.self, Drill.self, Migrate.self, BackupCommand.self, RestoreCommand.self, KeysCommand.self, WALCommand.self, ArchiveCommand.self, Models.self, DeadLettersCommand.self,
                      ConfigCommand.self, UserCommand.self, CameraCommand.self, GeometryCommand.self])
}
