public import Foundation

/// The upload body's compact coding for slow links (issue 25): zlib (RFC 1950) deflated at level 9
/// with a preset dictionary of record shapes, so that even a batch of a few records compresses as
/// well as a long one: field names, codes and the envelope are found in the dictionary instead of
/// being spelled out once per body. Named `lmis-zdict-1` in `Content-Encoding`; the hub says it
/// takes it with `Accept-Encoding` on its answers, and still takes gzip from older kiosks.
///
/// Measured on a day's mix of records (registrations, four queue events a ticket):
/// `Benchmarks/rural_link.py --encoding-only`. The dictionary is frozen: a new one is a new
/// coding name, never an edit, since kiosk and hub must hold the same bytes (zlib checks its id).
public enum UploadEncoding {
    /// The `Content-Encoding` token.
    public static let dictionaryCoding = "lmis-zdict-1"

    public static func compress(_ body: some Collection<UInt8>) -> Data {
        Gzip.deflate(body, level: 9, windowBits: 15, dictionary: dictionary)
    }

    /// Inflates a body in the dictionary coding, refusing to produce more than `limit` bytes.
    public static func decompress(_ body: some Collection<UInt8>, limit: Int) throws(Gzip.Failure) -> Data {
        try Gzip.inflate(body, limit: limit, windowBits: 15, dictionary: dictionary)
    }

    /// True when an `Accept-Encoding` header value names the dictionary coding.
    public static func accepted(by header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains {
            $0.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) == dictionaryCoding
        }
    }

    /// Upload bodies as the kiosk writes them: a queue stream with one ticket's four events, then
    /// a registration stream with two people (invented), most frequent shapes last.
    static let dictionary: [UInt8] = Array(
        #"""
        {"stream":"queue","records":[{"id":"01a24faf-0000-7c31-8e2f-5b1d0c9a77e0","sequence":100,"type":\#
        "queue.issued","createdAt":"2026-12-07T09:14:05.311Z","payload":{"event":{"at":"2026-12-07T09:31\#
        :44.702Z","kind":"issued"},"sequence":33,"ticket":{"id":"01A24FAE-DABD-7897-9B6B-71DED6CA8EB1","\#
        issuedAt":"2026-12-07T09:14:05.311Z","language":"mn","number":17,"officeCode":"UB-SB","officeDay\#
        ":"2026-12-07","printedCode":"А","queuedAt":"2026-12-07T09:14:05.311Z","recalls":0,"requeued":fa\#
        lse,"serviceCode":"А","state":"waiting"}}},{"id":"01a24faf-0001-7c31-8e2f-5b1d0c9a77e1","sequenc\#
        e":101,"type":"queue.called","createdAt":"2026-12-07T09:14:05.311Z","payload":{"event":{"at":"20\#
        26-12-07T09:31:44.702Z","counter":2,"kind":"called","staffID":"ajiltan2"},"sequence":34,"ticket"\#
        :{"calledAt":"2026-12-07T09:31:44.702Z","counter":2,"id":"01A24FAE-DABD-7897-9B6B-71DED6CA8EB1",\#
        "issuedAt":"2026-12-07T09:14:05.311Z","language":"mn","number":17,"officeCode":"UB-SB","officeDa\#
        y":"2026-12-07","printedCode":"А","queuedAt":"2026-12-07T09:14:05.311Z","recalls":0,"requeued":f\#
        alse,"serviceCode":"А","staffID":"ajiltan2","state":"called"}}},{"id":"01a24faf-0002-7c31-8e2f-5\#
        b1d0c9a77e2","sequence":102,"type":"queue.started","createdAt":"2026-12-07T09:14:05.311Z","paylo\#
        ad":{"event":{"at":"2026-12-07T09:31:44.702Z","counter":2,"kind":"started","staffID":"ajiltan2"}\#
        ,"sequence":35,"ticket":{"calledAt":"2026-12-07T09:31:44.702Z","counter":2,"id":"01A24FAE-DABD-7\#
        897-9B6B-71DED6CA8EB1","issuedAt":"2026-12-07T09:14:05.311Z","language":"mn","number":17,"office\#
        Code":"UB-SB","officeDay":"2026-12-07","printedCode":"А","queuedAt":"2026-12-07T09:14:05.311Z","\#
        recalls":0,"requeued":false,"serviceCode":"А","servingStartedAt":"2026-12-07T09:32:10.118Z","sta\#
        ffID":"ajiltan2","state":"serving"}}},{"id":"01a24faf-0003-7c31-8e2f-5b1d0c9a77e3","sequence":10\#
        3,"type":"queue.finished","createdAt":"2026-12-07T09:14:05.311Z","payload":{"event":{"at":"2026-\#
        12-07T09:31:44.702Z","counter":2,"kind":"finished","outcome":"registered","staffID":"ajiltan2"},\#
        "sequence":36,"ticket":{"calledAt":"2026-12-07T09:31:44.702Z","counter":2,"finishedAt":"2026-12-\#
        07T09:40:58.940Z","id":"01A24FAE-DABD-7897-9B6B-71DED6CA8EB1","issuedAt":"2026-12-07T09:14:05.31\#
        1Z","language":"mn","number":17,"officeCode":"UB-SB","officeDay":"2026-12-07","outcome":"registe\#
        red","printedCode":"А","queuedAt":"2026-12-07T09:14:05.311Z","recalls":0,"requeued":false,"servi\#
        ceCode":"А","servingStartedAt":"2026-12-07T09:32:10.118Z","staffID":"ajiltan2","state":"finished\#
        "}}}]}
        {"stream":"registration","records":[{"id":"01a24faf-0004-7c31-8e2f-5b1d0c9a77e4","sequence":104,\#
        "type":"registration.created","createdAt":"2026-12-07T09:14:05.311Z","payload":{"registration":{\#
        "aimagCode":"UB-SB","birthDate":"1988-03-12","consentAcceptedAt":"2026-12-07T09:14:05.311Z","con\#
        sentTextVersion":"2026-2","createdAt":"2026-12-07T09:14:05.311Z","desiredOccupationCode":"52","e\#
        ducationCode":"secondary","experienceYears":4,"familyName":"Батбаяр","givenName":"Оюунчимэг","ha\#
        sDisability":false,"id":"01a24fae-d689-7ce4-a7e0-7713fe05cfee","language":"mn","licences":[],"oc\#
        cupationCode":"52","officeCode":"UB-SB","phone":"88104422","reference":"UB-SB-000412","registryN\#
        umber":"УП88031254","revision":1,"sex":"female","skills":[],"soumCode":"UB-SB-05","status":"jobs\#
        eeker","updatedAt":"2026-12-07T09:14:05.311Z"}}},{"id":"01a24faf-0005-7c31-8e2f-5b1d0c9a77e5","s\#
        equence":105,"type":"registration.created","createdAt":"2026-12-07T09:14:05.311Z","payload":{"re\#
        gistration":{"aimagCode":"UB-SB","birthDate":"1995-11-20","consentAcceptedAt":"2026-12-07T09:14:\#
        05.311Z","consentTextVersion":"2026-2","createdAt":"2026-12-07T09:14:05.311Z","desiredOccupation\#
        Code":"83","educationCode":"vocational","experienceYears":4,"familyName":"Дорж","givenName":"Ган\#
        зориг","hasDisability":false,"id":"01a24fae-d689-7ce4-a7e0-7713fe05cfee","language":"mn","licenc\#
        es":[],"occupationCode":"83","officeCode":"UB-SB","phone":"99017735","reference":"UB-SB-000413",\#
        "registryNumber":"ЧБ95112071","revision":1,"sex":"male","skills":["жолоо барих"],"soumCode":"UB-\#
        SB-05","status":"unemployed","updatedAt":"2026-12-07T09:14:05.311Z"}}}]}
        """#.utf8)
}
