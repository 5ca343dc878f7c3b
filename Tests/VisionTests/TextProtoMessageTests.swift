import Testing
import Vision

struct TextProtoMessageTests {
    @Test func parsesAndWritesNestedMessages() throws {
        let text = """
            node {
              name: "conv/Conv2D"  # a comment
              op: "Conv2D"
              input: "image_tensor"
              attr {
                key: "strides"
                value {
                  list { i: 1 i: 2 }
                }
              }
            }
            library {
            }
            """
        let message = try TextProtoMessage(parsing: text)
        let node = try #require(message.message("node"))
        #expect(node.scalar("name") == "conv/Conv2D")
        #expect(node.values("input") == [.scalar("\"image_tensor\"")])
        #expect(node.message("attr")?.message("value")?.message("list")?.values("i") == [.scalar("1"), .scalar("2")])
        #expect(message.message("library") == TextProtoMessage())
        // Written and read again, nothing changes.
        #expect(try TextProtoMessage(parsing: message.formatted()) == message)
    }

    @Test func brokenTextSaysWhere() {
        #expect { try TextProtoMessage(parsing: "node {\n  name: \"a\"\n") } throws: { "\($0)".contains("not closed") }
        #expect { try TextProtoMessage(parsing: "}\n") } throws: { "\($0)".contains("unexpected '}' at line 1") }
    }

    @Test func quotedStringsKeepEscapedQuotes() throws {
        let message = try TextProtoMessage(parsing: #"s: "say \"hi\"""#)
        #expect(message.values("s") == [.scalar(#""say \"hi\"""#)])
        #expect(TextProtoMessage.string(#"a"b"#) == .scalar(#""a\"b""#))
    }
}
