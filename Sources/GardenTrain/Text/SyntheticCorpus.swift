import GardenTensor

/// A deterministic corpus with learnable structure for BERT pre-training.
///
/// Each paragraph has a topic; its sentences follow one small grammar
/// (`the <adjective> <noun> <verb> the <adjective> <noun> .` and variants) drawing content
/// words from that topic only. So a masked content word is predictable from the other words of
/// the sequence (same topic), function words from their position, and a random next sentence
/// usually changes topic, which the next-sentence head can detect. Content words are made of
/// syllables, so some are longer than the vocabulary holds and exercise `##` pieces.
public enum SyntheticCorpus {
    static let syllables = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze", "bo", "di"]

    /// The content words of one kind (0 nouns, 1 verbs, 2 adjectives) of a topic: three
    /// syllables chosen by a bijection of (topic, kind, index) modulo 12³, so all are distinct.
    static func words(topic: Int, kind: Int, count: Int) -> [String] {
        let suffix = ["", "s", "ish"][kind]
        return (0..<count).map { i in
            let code = (((topic * 3 + kind) * count + i) * 37 + 11) % 1728
            return syllables[code / 144] + syllables[(code / 12) % 12] + syllables[code % 12]
                + suffix
        }
    }

    /// `paragraphs` paragraphs of 4 to 8 sentences, drawn from Philox keyed by `seed`.
    public static func paragraphs(
        count paragraphs: Int, topics: Int = 8, wordsPerKind: Int = 6,
        seed: UInt64
    ) -> [[String]] {
        let vocab = topicWords(topics: topics, wordsPerKind: wordsPerKind)
        return (0..<paragraphs).map { p in
            var r = RandomStream(seed: seed, stream: stableHash("data/bert/synthetic") &+ UInt64(p))
            let topic = r.int(topics)
            return (0..<(4 + r.int(5))).map { _ in sentence(vocab[topic], &r) }
        }
    }

    /// Nouns, verbs and adjectives of every topic.
    static func topicWords(topics: Int, wordsPerKind: Int) -> [[[String]]] {
        (0..<topics).map { t in (0..<3).map { words(topic: t, kind: $0, count: wordsPerKind) } }
    }

    /// One sentence of the grammar with the words `w` (nouns, verbs, adjectives) of a topic.
    static func sentence(_ w: [[String]], _ r: inout RandomStream) -> String {
        let (n1, v, a1, n2, a2) = (
            r.pick(w[0]), r.pick(w[1]), r.pick(w[2]), r.pick(w[0]), r.pick(w[2])
        )
        switch r.int(3) {
        case 0: return "the \(a1) \(n1) \(v) the \(a2) \(n2) ."
        case 1: return "a \(n1) \(v) near the \(n2) and the \(a2) \(n2) ."
        default: return "the \(n1) with a \(a1) \(n2) \(v) ."
        }
    }

    /// The class names of `topicSentences`: `topic_a`, `topic_b`, ... (sorted, so topic i is
    /// class i).
    public static func topicNames(_ topics: Int = 8) -> [String] {
        (0..<topics).map { "topic_" + String(UnicodeScalar(UInt8(97 + $0 % 26))) }
    }

    /// A labelled set for sentence classification: `count` single sentences of the words of
    /// `paragraphs` (another Philox stream), each labelled with its topic's name. Every
    /// sentence also carries one noun of another topic, so a single word cannot decide the
    /// class. `words` restricts every kind of every topic to the words at those indices (of
    /// `0..<wordsPerKind`): two disjoint ranges make a training and an evaluation table that
    /// share no content word, which only a model that learnt which words go together (the
    /// pre-training on `paragraphs`) can carry from one to the other.
    public static func topicSentences(
        count: Int, topics: Int = 8, wordsPerKind: Int = 6, words: Range<Int>? = nil,
        seed: UInt64
    ) -> [(text: String, label: String)] {
        let vocab = topicWords(topics: topics, wordsPerKind: wordsPerKind).map { kinds in
            kinds.map { Array($0[words ?? 0..<wordsPerKind]) }
        }
        let names = topicNames(topics)
        return (0..<count).map { i in
            var r = RandomStream(seed: seed, stream: stableHash("data/bert/topics") &+ UInt64(i))
            let topic = r.int(topics)
            let w = vocab[topic]
            let other = (topic + 1 + r.int(topics - 1)) % topics
            let (n1, v, a1, n2) = (r.pick(w[0]), r.pick(w[1]), r.pick(w[2]), r.pick(w[0]))
            let stray = r.pick(vocab[other][0])
            let text: String
            switch r.int(3) {
            case 0: text = "the \(a1) \(n1) \(v) the \(stray) and the \(n2) ."
            case 1: text = "a \(stray) \(v) near the \(a1) \(n2) ."
            default: text = "the \(n1) with a \(stray), \(v) the \(a1) \(n2) ."
            }
            return (text, names[topic])
        }
    }
}

/// Sequential uniform draws from one Philox stream (four per counter block).
public struct RandomStream {
    let generator: Philox
    var counter: UInt64 = 0
    var buffer: [Float] = []

    public init(seed: UInt64, stream: UInt64) { generator = Philox(seed: seed, stream: stream) }

    /// A uniform float in [0, 1).
    public mutating func uniform() -> Float {
        if buffer.isEmpty {
            buffer = generator.uniform(count: 4, offset: counter).reversed()
            counter &+= 1
        }
        return buffer.removeLast()
    }

    /// A uniform integer in `0..<n` (`n` > 0).
    public mutating func int(_ n: Int) -> Int { min(Int(uniform() * Float(n)), n - 1) }

    /// A uniform element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
}
