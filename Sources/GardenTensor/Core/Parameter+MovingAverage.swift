extension Parameter {
    /// Moves this (non-trainable) variable toward `value`:
    /// `self = self - (self - value) * (1 - momentum)`, i.e. `self * momentum + value * (1 -
    /// momentum)` written the way Keras and TensorFlow's `AssignSubVariableOp` compute it, so
    /// Swift training and the exported training function round alike.
    ///
    /// - Eager or taped: updates `value` in place at once; `value` is treated as a constant
    ///   (no gradient flows into a moving statistic).
    /// - Traced: appends `AssignSubVariableOp(resource, (read - value) * (1 - momentum))` on
    ///   this variable's captured resource and registers it as a control output, so every output
    ///   of the function depends on it (savedmodel-format §5.4). The delta uses the trace's one
    ///   `ReadVariableOp` of the variable, which orders the read before the update.
    ///
    /// - Parameters:
    ///   - value: the new observation, of this variable's shape (a batch statistic).
    ///   - momentum: the weight of the old value, e.g. 0.99.
    public func assignMovingAverage(_ value: Tensor, momentum: Float) {
        let decay = 1 - momentum
        if let tracer = ExecutionContext.current.tracer {
            let delta = (read() - value) * decay
            let resource = tracer.resourceArgument(for: self)
            let node = tracer.addNode(
                "AssignSubVariableOp", inputs: [resource, tracer.symbolicRef(delta)],
                attrs: ["dtype": .type(.float32)],
                name: path.isEmpty ? "AssignSubVariableOp" : path + "/AssignSubVariableOp")
            tracer.addControlOutput(node)
            return
        }
        let old = self.value.floats, new = value.floats
        precondition(
            old.count == new.count,
            "assignMovingAverage: \(path) has shape \(self.value.shape), "
                + "value has \(value.shape)")
        self.value = Tensor(
            (0..<old.count).map { old[$0] - (old[$0] - new[$0]) * decay },
            shape: self.value.shape)
    }
}
