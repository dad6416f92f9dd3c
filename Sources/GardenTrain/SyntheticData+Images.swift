import Foundation
import GardenTensor

extension SyntheticData {
    /// Images of oriented sinusoidal stripes, a classification task a small ConvNet learns and
    /// a linear model on the mean colour cannot (colour is random, not class-dependent).
    ///
    /// Class `c` is an orientation and a frequency: with `k = ceil(classes / 2)` orientations,
    /// the angle is `π · (c mod k) / k` and the stripes make 2.5 cycles per image side for
    /// `c < k`, 5 cycles otherwise. Each image draws its own phase, a slight jitter of angle
    /// (±0.1 rad) and frequency (±10%), a random colour (channel amplitudes in [0.2, 1]) and
    /// Gaussian pixel noise of standard deviation `noise`:
    /// `x[h, w, ch] = 0.5 + 0.4 · amp[ch] · sin(2π · f · (u cos θ + v sin θ) + φ) + noise · n`,
    /// with `(u, v)` the pixel centre in [0, 1)².
    ///
    /// Output shapes: images `[count, size, size, channels]` float32 (about [0, 1] before the
    /// noise), labels `[count]` int32 in `0..<classes`. Every draw comes from Philox keyed by
    /// `seed`, so the set is a pure function of its arguments.
    public static func stripes(
        count: Int, size: Int, channels: Int, classes: Int, noise: Float, seed: UInt64
    ) -> (Tensor, Tensor) {
        let g = Philox(seed: seed, stream: stableHash("data/stripes"))
        // Disjoint counter ranges per kind of draw, so changing one count leaves the others.
        let labelDraws = g.uniform(count: count)
        let shapeDraws = g.uniform(count: count * 3, offset: 1 << 32)
        let colourDraws = g.uniform(count: count * channels, offset: 2 << 32)
        let pixelNoise = g.normal(count: count * size * size * channels, offset: 3 << 32)
        let orientations = max((classes + 1) / 2, 1)
        let pixels = size * size * channels
        var x = [Float](repeating: 0, count: count * pixels)
        var y = [Int32](repeating: 0, count: count)
        var amplitude = [Float](repeating: 0, count: channels)
        for i in 0..<count {
            let c = min(Int(labelDraws[i] * Float(classes)), classes - 1)
            y[i] = Int32(c)
            let theta =
                Float.pi * Float(c % orientations) / Float(orientations)
                + (shapeDraws[3 * i] - 0.5) * 0.2
            let cycles = (c < orientations ? 2.5 : 5) * (0.9 + 0.2 * shapeDraws[3 * i + 1])
            let phase = 2 * Float.pi * shapeDraws[3 * i + 2]
            for ch in 0..<channels { amplitude[ch] = 0.2 + 0.8 * colourDraws[i * channels + ch] }
            let (cosT, sinT) = (cos(theta), sin(theta))
            let scale = 2 * Float.pi * cycles / Float(size)
            for h in 0..<size {
                for w in 0..<size {
                    let t = sin(scale * ((Float(w) + 0.5) * cosT + (Float(h) + 0.5) * sinT) + phase)
                    let base = i * pixels + (h * size + w) * channels
                    for ch in 0..<channels {
                        x[base + ch] = 0.5 + 0.4 * amplitude[ch] * t + noise * pixelNoise[base + ch]
                    }
                }
            }
        }
        return (
            Tensor(x, shape: [count, size, size, channels]), Tensor(int32: y, shape: [count])
        )
    }
}
