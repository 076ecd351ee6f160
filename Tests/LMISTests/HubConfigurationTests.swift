import LMISHub
import Testing

/// The hub's config file is read line by line as the kiosk's is (`ConfigLine`): a `#` starts a
/// comment only at the start of a line or after a blank, and a quoted value may hold anything.
@Suite("lmis-hub config file")
struct HubConfigurationTests {
    func read(_ text: String) throws(HubConfigurationError) -> HubConfiguration {
        var configuration = HubConfiguration()
        try configuration.apply(fileContents: text, path: "hub.conf")
        return configuration
    }

    @Test func aHashInsideAValueIsPartOfIt() throws {
        let configuration = try read(
            """
            postgres_password = ab#cd
            admin_token = "0123456789#abcdef # still the token"
            """)
        #expect(configuration.postgresPassword == "ab#cd")
        #expect(configuration.adminToken == "0123456789#abcdef # still the token")
        #expect(try read(##"postgres_password = "ab#cd""##).postgresPassword == "ab#cd")
        #expect(try read(##"postgres_password="ab#cd"# quoted, then a comment"##).postgresPassword == "ab#cd")
        #expect(try read(##"postgres_password = " ab#cd ""##).postgresPassword == " ab#cd ")
    }

    @Test func aCommentAfterABlankIsDropped() throws {
        let configuration = try read(
            """
            postgres_password = ab#cd # the lab's password
            port = 9443\t# tab before the comment
            postgres_user = "lmis"   # quoted, then a comment
            """)
        #expect(configuration.postgresPassword == "ab#cd")
        #expect(configuration.port == 9443)
        #expect(configuration.postgresUser == "lmis")
        #expect(try read("postgres_password = # nothing but a comment").postgresPassword == nil)
    }

    @Test func wholeLineCommentsAndBlankLinesAreIgnored() throws {
        let configuration = try read(
            """
            # LMIS hub
              # admin_token = not-this-one-0123456789
            \t
            port = 9000
            #port = 1
            """)
        #expect(configuration.port == 9000)
        #expect(configuration.adminToken == nil)
        #expect(try read("port = 9001\r\n# windows line ends\r\nhost = 0.0.0.0\r\n").host == "0.0.0.0")
    }

    @Test func aBadLineIsNamed() {
        #expect(throws: HubConfigurationError(key: "hub.conf:3", problem: "is not a `key = value` line")) {
            try read("# hub\nport = 9000\npostgres_password ab#cd\n")
        }
        #expect(throws: HubConfigurationError(key: "hub.conf:1", problem: "is not a `key = value` line")) {
            try read("postgres_password # = ab")
        }
        #expect(throws: HubConfigurationError(key: "hub.conf:2", problem: "has no key before `=`")) {
            try read("port = 9000\n = ab\n")
        }
        #expect(
            throws: HubConfigurationError(
                key: "hub.conf:2",
                problem: "has a quoted value without its closing `\"` (only a `#` comment may follow one)")
        ) {
            try read("port = 9000\npostgres_password = \"ab#cd\" extra\n")
        }
        #expect(throws: HubConfigurationError(key: "hub.conf:1 port", problem: "must be a whole number in 0...65535")) {
            try read("port = 80#80")
        }
    }
}
