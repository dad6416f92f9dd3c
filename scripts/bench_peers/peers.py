"""tf_keras models equal to SwiftGarden's recipe models: same shapes, dropout, regularizers,
batch norm settings and optimizer, built from the resolved recipe (`recipe_yaml.parse`).

  mlp     -> Dense+ReLU+Dropout stack, logits Dense; L2 on every kernel (Keras `l2`).
  resnet  -> 3x3 stem conv (no bias) + BN + ReLU, basic residual blocks with 1x1 conv + BN
             projection shortcuts where the shape changes, global mean, Dense logits; L2 on
             every conv and dense kernel; BN momentum 0.99, epsilon 1e-3 (Keras defaults).
  bert    -> post-LN BERT encoder (word/position/type embeddings, LayerNorm eps 1e-12,
             MultiHeadAttention, exact GELU feed-forward, tanh pooler) plus a masked-LM head
             tied to the word embeddings and a next-sentence Dense(2): Model Garden's
             BertPretrainer, written with plain tf_keras layers; model.kernel_regularizer on
             every dense kernel (attention projections included), none on embeddings.

Parameter counts equal SwiftGarden's (Tests/Conformance/test_bench_peers.py checks them).
"""

from __future__ import annotations

import recipe_yaml
import tensorflow as tf
import tf_keras

layers = tf_keras.layers


def kernel_l2(model_cfg: dict):
    reg = model_cfg.get("kernel_regularizer") or {}
    kind = reg.get("type", "none")
    if kind == "none":
        return None
    return tf_keras.regularizers.L1L2(l1=float(reg.get("l1", 0) or 0), l2=float(reg.get("l2", 0) or 0))


# ---- MLP -------------------------------------------------------------------------------------

def mlp(cfg: dict) -> tf_keras.Model:
    m = cfg["model"]
    reg = kernel_l2(m)
    x = inputs = tf_keras.Input((m["input_size"],), name="inputs")
    for i, units in enumerate(m["hidden_sizes"]):
        x = layers.Dense(units, activation="relu", kernel_regularizer=reg, name=f"dense_{i}")(x)
        x = layers.Dropout(m["dropout_rate"], name=f"dropout_{i}")(x)
    logits = layers.Dense(m["num_classes"], kernel_regularizer=reg, name="logits")(x)
    return tf_keras.Model(inputs, logits, name="mlp")


# ---- ResNet ----------------------------------------------------------------------------------

def _conv_bn(x, filters, kernel, stride, reg, name):
    x = layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False,
                      kernel_initializer="he_normal", kernel_regularizer=reg, name=name + "_conv")(x)
    return layers.BatchNormalization(momentum=0.99, epsilon=1e-3, name=name + "_bn")(x)


def resnet(cfg: dict) -> tf_keras.Model:
    m = cfg["model"]
    reg = kernel_l2(m)
    size, channels = m["input_size"], m["input_channels"]
    x = inputs = tf_keras.Input((size, size, channels), name="inputs")
    x = layers.ReLU()(_conv_bn(x, m["stem_filters"], 3, 1, reg, "stem"))
    width = m["stem_filters"]
    for s, (filters, stride) in enumerate(zip(m["stage_filters"], m["stage_strides"])):
        for b in range(m["blocks_per_stage"]):
            name = f"stage{s + 1}_block{b}"
            st = stride if b == 0 else 1
            h = layers.ReLU()(_conv_bn(x, filters, 3, st, reg, name + "_1"))
            h = _conv_bn(h, filters, 3, 1, reg, name + "_2")
            skip = _conv_bn(x, filters, 1, st, reg, name + "_shortcut") if (st != 1 or width != filters) else x
            x = layers.ReLU()(layers.Add()([h, skip]))
            width = filters
    x = layers.GlobalAveragePooling2D(name="reduce_mean")(x)
    logits = layers.Dense(m["num_classes"], kernel_regularizer=reg, name="fc")(x)
    return tf_keras.Model(inputs, logits, name="resnet")


# ---- BERT ------------------------------------------------------------------------------------

def gelu(x):
    return tf_keras.activations.gelu(x, approximate=False)


class PositionEmbedding(layers.Layer):
    """Learned absolute positions: rows 0..seq-1 of a [max_sequence_length, hidden] table."""

    def __init__(self, max_length, width, stddev, **kw):
        super().__init__(**kw)
        self.max_length, self.width, self.stddev = max_length, width, stddev

    def build(self, shape):
        self.embeddings = self.add_weight(
            "embeddings", (self.max_length, self.width),
            initializer=tf_keras.initializers.TruncatedNormal(stddev=self.stddev))

    def call(self, x):
        return self.embeddings[tf.newaxis, : tf.shape(x)[1], :]


class TransformerBlock(layers.Layer):
    """Post-LN block: LN(x + Drop(MHA(x))), LN(h + Drop(Dense(GELU(Dense(h)))))."""

    def __init__(self, c, **kw):
        super().__init__(**kw)
        def init():
            return tf_keras.initializers.TruncatedNormal(stddev=c["initializer_range"])
        h, a = c["hidden_size"], c["num_attention_heads"]
        reg = c.get("kernel_l2")
        self.attention = layers.MultiHeadAttention(a, h // a, dropout=c["attention_dropout_rate"],
                                                   kernel_initializer=init(), kernel_regularizer=reg,
                                                   name="self_attention")
        self.attention_dropout = layers.Dropout(c["dropout_rate"])
        self.attention_norm = layers.LayerNormalization(epsilon=1e-12, name="self_attention_layer_norm")
        self.intermediate = layers.Dense(c["intermediate_size"], activation=gelu, kernel_initializer=init(),
                                         kernel_regularizer=reg, name="intermediate")
        self.out = layers.Dense(h, kernel_initializer=init(), kernel_regularizer=reg, name="output")
        self.out_dropout = layers.Dropout(c["dropout_rate"])
        self.out_norm = layers.LayerNormalization(epsilon=1e-12, name="output_layer_norm")

    def call(self, x, mask, training=None):
        att = self.attention(x, x, attention_mask=mask, training=training)
        h = self.attention_norm(x + self.attention_dropout(att, training=training))
        f = self.out_dropout(self.out(self.intermediate(h)), training=training)
        return self.out_norm(h + f)


class BertEncoder(tf_keras.Model):
    """Dict inputs input_word_ids/input_mask/input_type_ids (int32 [batch, seq]); dict outputs
    sequence_output, pooled_output, encoder_outputs (one per layer)."""

    def __init__(self, c, **kw):
        super().__init__(**kw)
        def init():
            return tf_keras.initializers.TruncatedNormal(stddev=c["initializer_range"])
        h = c["hidden_size"]
        self.word_embeddings = layers.Embedding(c["vocab_size"], h, embeddings_initializer=init(),
                                                name="word_embeddings")
        self.position_embedding = PositionEmbedding(c["max_sequence_length"], h, c["initializer_range"],
                                                    name="position_embedding")
        self.type_embeddings = layers.Embedding(c.get("type_vocab_size", 2), h, embeddings_initializer=init(),
                                                name="type_embeddings")
        self.embedding_norm = layers.LayerNormalization(epsilon=1e-12, name="embeddings_layer_norm")
        self.embedding_dropout = layers.Dropout(c["dropout_rate"])
        self.blocks = [TransformerBlock(c, name=f"layer_{i}") for i in range(c["num_layers"])]
        self.pooler = layers.Dense(h, activation="tanh", kernel_initializer=init(),
                                   kernel_regularizer=c.get("kernel_l2"), name="pooler_transform")

    def call(self, inputs, training=None):
        ids, mask, types = inputs["input_word_ids"], inputs["input_mask"], inputs["input_type_ids"]
        x = self.word_embeddings(ids) + self.position_embedding(ids) + self.type_embeddings(types)
        x = self.embedding_dropout(self.embedding_norm(x), training=training)
        # [batch, seq(query), seq(key)]: a query may attend to every real key.
        att_mask = tf.cast(mask[:, tf.newaxis, :], tf.bool) & tf.ones_like(tf.cast(mask[:, :, tf.newaxis], tf.bool))
        outputs = []
        for block in self.blocks:
            x = block(x, att_mask, training=training)
            outputs.append(x)
        pooled = self.pooler(x[:, 0, :])
        return {"sequence_output": x, "pooled_output": pooled, "encoder_outputs": outputs}


class BertPretrainer(tf_keras.Model):
    """The encoder, a masked-LM head tied to the word embeddings, and a next-sentence Dense(2)."""

    def __init__(self, c, **kw):
        super().__init__(**kw)
        def init():
            return tf_keras.initializers.TruncatedNormal(stddev=c["initializer_range"])
        self.encoder = BertEncoder(c, name="encoder")
        self.transform = layers.Dense(c["hidden_size"], activation=gelu, kernel_initializer=init(),
                                      kernel_regularizer=c.get("kernel_l2"), name="transform")
        self.mlm_norm = layers.LayerNormalization(epsilon=1e-12, name="layer_norm")
        self.mlm_bias = self.add_weight("output_bias", (c["vocab_size"],), initializer="zeros")
        self.next_sentence = layers.Dense(2, kernel_initializer=init(), kernel_regularizer=c.get("kernel_l2"),
                                          name="next_sentence")

    def call(self, inputs, training=None):
        out = self.encoder(inputs, training=training)
        picked = tf.gather(out["sequence_output"], inputs["masked_lm_positions"], batch_dims=1)
        h = self.mlm_norm(self.transform(picked))
        table = self.encoder.word_embeddings.embeddings
        mlm = tf.matmul(h, table, transpose_b=True) + self.mlm_bias
        return mlm, self.next_sentence(out["pooled_output"])


def bert_config(cfg: dict) -> dict:
    m = dict(cfg["model"])
    # The recipe's vocabulary size is a data setting (the tokenizer's); the model takes it.
    if m.get("vocab_size") is None:
        m["vocab_size"] = cfg.get("data", {}).get("vocab_size")
    m.setdefault("type_vocab_size", 2)
    m.setdefault("dropout_rate", 0.1)
    m.setdefault("attention_dropout_rate", 0.1)
    m.setdefault("initializer_range", 0.02)
    m["kernel_l2"] = kernel_l2(m)
    return m


def is_bert(cfg: dict) -> bool:
    return "bert" in str(cfg["model"]["type"])


# ---- Optimizer -------------------------------------------------------------------------------

def optimizer(cfg: dict):
    """The recipe's optimizer at its initial learning rate (a schedule's few scalar ops do not
    change the step time), with global-norm clipping when the recipe clips."""
    o = cfg["train"]["optimizer"]
    lr = o["learning_rate"]
    if isinstance(lr, dict):
        lr = lr.get("initial_learning_rate", lr.get("rate", 0.001))
    clip = float(cfg["train"].get("gradient_clip_norm", 0) or 0)
    extra = {"global_clipnorm": clip} if clip > 0 else {}
    kind = o["type"]
    if kind == "sgd":
        return tf_keras.optimizers.SGD(lr, momentum=o.get("momentum", 0.0), nesterov=bool(o.get("nesterov", False)),
                                       **extra)
    if kind == "adamw" or float(o.get("weight_decay", 0) or 0) > 0:
        return tf_keras.optimizers.AdamW(learning_rate=lr, weight_decay=o.get("weight_decay", 0.0),
                                         beta_1=o.get("beta_1", 0.9), beta_2=o.get("beta_2", 0.999), epsilon=o.get("epsilon", 1e-7), **extra)
    return tf_keras.optimizers.Adam(lr, beta_1=o.get("beta_1", 0.9), beta_2=o.get("beta_2", 0.999), epsilon=o.get("epsilon", 1e-7), **extra)


def build(cfg: dict) -> tf_keras.Model:
    """The recipe's training model (BERT: the pretrainer), built on its input shapes."""
    kind = cfg["model"]["type"]
    if kind == "mlp":
        return mlp(cfg)
    if kind == "resnet":
        return resnet(cfg)
    if is_bert(cfg):
        model = BertPretrainer(bert_config(cfg), name="pretrainer")
        ids = tf.zeros((1, 4), tf.int32)
        model({"input_word_ids": ids, "input_mask": tf.ones_like(ids), "input_type_ids": ids,
               "masked_lm_positions": tf.zeros((1, 2), tf.int32)})
        return model
    raise ValueError(f"no tf_keras peer for model.type {kind}")


def recipe_training(recipe_path: str, swift: dict) -> tuple[dict, tf_keras.Model, tf_keras.optimizers.Optimizer]:
    """The resolved recipe at `recipe_path`, its training model and its optimizer, sized as
    garden-bench's line `swift` says (BERT: its `encoder_config`, whose vocabulary comes from
    the data)."""
    cfg = recipe_yaml.load(recipe_path)
    cfg["model"].update(swift.get("encoder_config", {}))
    return cfg, build(cfg), optimizer(cfg)


def variable_sizes(model: tf_keras.Model) -> tuple[list[int], list[int]]:
    """Element counts of the trainable and the non-trainable variables (each variable once)."""
    def sizes(vs):
        seen, out = set(), []
        for v in vs:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(int(tf.size(v)))
        return sorted(out)
    return sizes(model.trainable_variables), sizes(model.non_trainable_variables)
