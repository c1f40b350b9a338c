// The Python that generated model.py files define where PyTorch has no module with nn's
// semantics: channels-last convolutions and pooling with Keras' 'same' padding, batch
// normalisation over the last axis, Keras' recurrent layers (one bias; GRU with the reset gate
// before the product), nn's attention and positional tables. Each is emitted only when a model
// uses it. Weight layouts are PyTorch's ([out, in] for linear maps, [out, in, *kernel] for
// convolutions), so `state_dict()` reads as a PyTorch user expects; export/pytorch/weights.ts
// converts nn's weights into them.

export type Helper =
  | 'keras_init'
  | 'conv'
  | 'pool'
  | 'batch_norm'
  | 'poly_features'
  | 'positional_embedding'
  | 'simple_rnn'
  | 'lstm'
  | 'gru'
  | 'bidirectional'
  | 'attention'
  | 'transformer'
  | 'hard_sigmoid';

/** Helpers a helper's code uses. */
export const HELPER_NEEDS: Partial<Record<Helper, Helper[]>> = {
  transformer: ['attention'],
};

export const HELPERS: Record<Helper, string> = {
  keras_init: `
def keras_init(module):
    """nn's initial weights (Keras'): Glorot-uniform kernels and embeddings, zero biases.
    PyTorch's own start (Kaiming uniform) trains differently. Applied by each model's __init__."""
    if isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Embedding)):
        nn.init.xavier_uniform_(module.weight)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
`,
  hard_sigmoid: `
def hard_sigmoid(x):
    """Keras' hard sigmoid: clip(0.2 x + 0.5, 0, 1) (PyTorch's F.hardsigmoid uses x / 6)."""
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)
`,
  conv: `
class ChannelsLastConv(nn.Module):
    """A convolution on channels-last input ([B, T, C] or [B, H, W, C], as nn's data is), with
    Keras' padding given per side (left, right[, top, bottom]): 'same' pads the end more when the
    padding is odd, which PyTorch's padding argument cannot say."""

    def __init__(self, dims, in_channels, out_channels, kernel_size, stride=1, dilation=1, pad=(), bias=True):
        super().__init__()
        conv = nn.Conv1d if dims == 1 else nn.Conv2d
        self.conv = conv(in_channels, out_channels, kernel_size, stride=stride, dilation=dilation, bias=bias)
        self.pad = tuple(pad)

    def forward(self, x):
        x = x.movedim(-1, 1)
        if any(self.pad):
            x = F.pad(x, self.pad)
        return self.conv(x).movedim(1, -1)
`,
  pool: `
class ChannelsLastPool(nn.Module):
    """Max or average pooling on channels-last input, with Keras' 'same' padding: padded cells
    never win a max and are not counted in an average."""

    def __init__(self, kind, dims, size, stride, pad=()):
        super().__init__()
        self.kind, self.dims, self.size, self.stride, self.pad = kind, dims, size, stride, tuple(pad)

    def forward(self, x):
        x = x.movedim(-1, 1)
        if self.kind == "max":
            pool = F.max_pool1d if self.dims == 1 else F.max_pool2d
            y = pool(F.pad(x, self.pad, value=-math.inf) if any(self.pad) else x, self.size, self.stride)
        else:
            pool = F.avg_pool1d if self.dims == 1 else F.avg_pool2d
            y = pool(F.pad(x, self.pad) if any(self.pad) else x, self.size, self.stride)
            if any(self.pad):
                ones = F.pad(torch.ones_like(x[:1, :1]), self.pad)
                y = y / pool(ones, self.size, self.stride)
        return y.movedim(1, -1)
`,
  batch_norm: `
class LastAxisBatchNorm(nn.BatchNorm1d):
    """Batch normalisation of the last axis of [B, ..., C], as Keras' BatchNormalization: the
    statistics are taken over every other axis. Keras' momentum m is PyTorch's 1 - m. In training,
    the running variance is updated with the batch's own (biased) variance, as Keras does;
    PyTorch's BatchNorm would use the unbiased one (batch/(batch - 1) times larger)."""

    def forward(self, x):
        flat = x.reshape(-1, x.shape[-1])
        if not self.training or not self.track_running_stats:
            return super().forward(flat).reshape(x.shape)
        if torch.distributed.is_available() and torch.distributed.is_initialized() and torch.distributed.get_world_size() > 1:
            y, mean, var = self.global_batch(flat)
        else:
            y = F.batch_norm(flat, None, None, self.weight, self.bias, True, 0.0, self.eps)
            with torch.no_grad():
                mean = flat.mean(0)
                var = ((flat - mean) ** 2).mean(0)
        with torch.no_grad():
            self.num_batches_tracked += 1
            self.running_mean.mul_(1 - self.momentum).add_(mean.detach(), alpha=self.momentum)
            self.running_var.mul_(1 - self.momentum).add_(var.detach(), alpha=self.momentum)
        return y.reshape(x.shape)

    def global_batch(self, flat):
        """With several processes (DistributedDataParallel), each holding its share of the batch:
        the statistics of the whole batch, as one process takes them, all-reduced with their
        gradients. (nn.SyncBatchNorm does this on GPUs only, and normalises axis 1.)"""
        from torch.distributed.nn.functional import all_reduce

        count = all_reduce(torch.tensor(float(flat.shape[0]), device=flat.device))
        mean = all_reduce(flat.sum(0)) / count
        var = all_reduce(((flat - mean) ** 2).sum(0)) / count
        y = (flat - mean) / torch.sqrt(var + self.eps)
        return (y * self.weight + self.bias if self.affine else y), mean, var
`,
  poly_features: `
@functools.lru_cache(maxsize=None)
def poly_terms(features, degree, cross):
    """The terms of poly_features as column indices of [x, 1] (index \`features\` is the 1), one
    row per factor: by degree, then in the order of itertools.combinations_with_replacement
    (scikit-learn PolynomialFeatures' order); without cross only the powers of single inputs."""
    terms = []
    for k in range(1, degree + 1):
        for t in itertools.combinations_with_replacement(range(features), k):
            if cross or len(set(t)) == 1:
                terms.append(list(t) + [features] * (degree - k))
    return torch.tensor(terms, dtype=torch.long).t().contiguous()


def poly_features(x, degree, cross=False, sin=False):
    """[x, x^2, ..., x^degree] along the last axis (with cross, every product of inputs up to the
    degree), then sin(x) when asked."""
    padded = torch.cat([x, torch.ones_like(x[..., :1])], -1)
    factors = poly_terms(x.shape[-1], degree, cross).to(x.device)
    y = padded[..., factors[0]]
    for row in factors[1:]:
        y = y * padded[..., row]
    return torch.cat([y, torch.sin(x)], -1) if sin else y
`,
  positional_embedding: `
def sinusoid(steps, dim):
    """The fixed position table of 'Attention is all you need': sin on even features, cos on odd."""
    t = torch.arange(steps, dtype=torch.float32)[:, None]
    i = torch.arange(dim)
    angle = t / torch.pow(10000.0, (2 * (i // 2)).float() / dim)
    return torch.where(i % 2 == 0, torch.sin(angle), torch.cos(angle))


class PositionalEmbedding(nn.Module):
    """Adds a vector per position to [B, T, D]: a learned table, or fixed sines and cosines."""

    def __init__(self, steps, dim, learned=True):
        super().__init__()
        if learned:
            self.positions = nn.Parameter(torch.empty(steps, dim).uniform_(-0.05, 0.05))
        else:
            self.register_buffer("positions", sinusoid(steps, dim), persistent=False)

    def forward(self, x):
        return x + self.positions
`,
  simple_rnn: `
class SimpleRNN(nn.Module):
    """Keras' SimpleRNN on [B, T, F]: h_t = act(x_t W_ih^T + h_{t-1} W_hh^T + b), one bias
    (PyTorch's nn.RNN adds two: the second is a fixed zero here). tanh and relu run in PyTorch's
    own RNN kernel; other activations step through time in Python."""

    def __init__(self, input_size, units, activation=torch.tanh, return_sequences=False):
        super().__init__()
        self.weight_ih = nn.Parameter(nn.init.xavier_uniform_(torch.empty(units, input_size)))
        self.weight_hh = nn.Parameter(nn.init.orthogonal_(torch.empty(units, units)))
        self.bias = nn.Parameter(torch.zeros(units))
        self.register_buffer("zero_bias", torch.zeros(units), persistent=False)
        self.activation, self.return_sequences = activation, return_sequences

    def forward(self, x):
        if self.activation in (torch.tanh, torch.relu):
            kernel = torch._VF.rnn_tanh if self.activation is torch.tanh else torch._VF.rnn_relu
            h0 = x.new_zeros(1, x.shape[0], self.weight_hh.shape[0])
            weights = [self.weight_ih, self.weight_hh, self.bias, self.zero_bias]
            outputs, _ = kernel(x, h0, weights, True, 1, 0.0, self.training, False, True)
            return outputs if self.return_sequences else outputs[:, -1]
        xw = F.linear(x, self.weight_ih, self.bias)
        h = x.new_zeros(x.shape[0], self.weight_hh.shape[0])
        outputs = []
        for t in range(x.shape[1]):
            h = self.activation(xw[:, t] + F.linear(h, self.weight_hh))
            outputs.append(h)
        return torch.stack(outputs, 1) if self.return_sequences else h
`,
  lstm: `
class LSTM(nn.Module):
    """Keras' LSTM on [B, T, F]: gates i, f, g, o in PyTorch's order, one bias per gate (PyTorch's
    nn.LSTM adds two: the second is a fixed zero here), run by PyTorch's own LSTM kernel (the one
    nn.LSTM calls; cuDNN on a GPU)."""

    def __init__(self, input_size, units, return_sequences=False):
        super().__init__()
        self.weight_ih = nn.Parameter(nn.init.xavier_uniform_(torch.empty(4 * units, input_size)))
        self.weight_hh = nn.Parameter(torch.cat([nn.init.orthogonal_(torch.empty(units, units)) for _ in range(4)]))
        self.bias = nn.Parameter(torch.zeros(4 * units))
        self.register_buffer("zero_bias", torch.zeros(4 * units), persistent=False)
        self.return_sequences = return_sequences

    def forward(self, x):
        h0 = x.new_zeros(1, x.shape[0], self.weight_hh.shape[1])
        weights = [self.weight_ih, self.weight_hh, self.bias, self.zero_bias]
        outputs, _, _ = torch._VF.lstm(x, (h0, h0), weights, True, 1, 0.0, self.training, False, True)
        return outputs if self.return_sequences else outputs[:, -1]
`,
  gru: `
class GRU(nn.Module):
    """Keras' GRU on [B, T, F]: gates z, r, h in Keras' order; h_t = z h_{t-1} + (1 - z) h~.
    reset_after=False (Keras 2, nn's default): the reset gate multiplies the state before its
    product, one bias. reset_after=True (Keras 3): after it, with two biases (bias[0] the input's,
    bias[1] the recurrent product's), which is PyTorch's GRU: run by its own kernel, the gates
    put in its order r, z, n."""

    def __init__(self, input_size, units, return_sequences=False, reset_after=False):
        super().__init__()
        self.weight_ih = nn.Parameter(nn.init.xavier_uniform_(torch.empty(3 * units, input_size)))
        self.weight_hh = nn.Parameter(torch.cat([nn.init.orthogonal_(torch.empty(units, units)) for _ in range(3)]))
        self.bias = nn.Parameter(torch.zeros(2, 3 * units) if reset_after else torch.zeros(3 * units))
        self.return_sequences, self.reset_after = return_sequences, reset_after

    def forward(self, x):
        units = self.weight_hh.shape[1]
        if self.reset_after:
            rzn = lambda w: torch.cat([w[units : 2 * units], w[:units], w[2 * units :]])
            weights = [rzn(self.weight_ih), rzn(self.weight_hh), rzn(self.bias[0]), rzn(self.bias[1])]
            outputs, _ = torch._VF.gru(x, x.new_zeros(1, x.shape[0], units), weights, True, 1, 0.0, self.training, False, True)
            return outputs if self.return_sequences else outputs[:, -1]
        xw = F.linear(x, self.weight_ih, self.bias)
        h = x.new_zeros(x.shape[0], units)
        outputs = []
        for t in range(x.shape[1]):
            xz, xr, xh = xw[:, t].chunk(3, 1)
            hz, hr = F.linear(h, self.weight_hh[: 2 * units]).chunk(2, 1)
            z, r = torch.sigmoid(xz + hz), torch.sigmoid(xr + hr)
            candidate = torch.tanh(xh + F.linear(r * h, self.weight_hh[2 * units :]))
            h = z * h + (1 - z) * candidate
            outputs.append(h)
        return torch.stack(outputs, 1) if self.return_sequences else h
`,
  bidirectional: `
class Bidirectional(nn.Module):
    """Runs one recurrent layer forwards and a copy backwards over the sequence and merges them
    (concat, sum, mul or ave), the backward outputs put back in time order."""

    def __init__(self, forward_layer, backward_layer, merge="concat"):
        super().__init__()
        self.forward_layer, self.backward_layer, self.merge = forward_layer, backward_layer, merge

    def forward(self, x):
        y = self.forward_layer(x)
        y_back = self.backward_layer(x.flip(1))
        if y_back.dim() == 3:
            y_back = y_back.flip(1)
        if self.merge == "concat":
            return torch.cat([y, y_back], -1)
        if self.merge == "sum":
            return y + y_back
        if self.merge == "mul":
            return y * y_back
        return (y + y_back) / 2
`,
  attention: `
class SelfAttention(nn.Module):
    """Multi-head self-attention on [B, T, D], as nn computes it: softmax(q k^T / sqrt(key_dim))
    v per head, dropout on the attention weights, a causal mask adding -1e9 above the diagonal."""

    def __init__(self, dim, heads, key_dim, dropout=0.0, causal=False):
        super().__init__()
        self.heads, self.key_dim, self.causal = heads, key_dim, causal
        self.query = nn.Linear(dim, heads * key_dim)
        self.key = nn.Linear(dim, heads * key_dim)
        self.value = nn.Linear(dim, heads * key_dim)
        self.output = nn.Linear(heads * key_dim, dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        b, t, _ = x.shape

        def split(y):
            return y.reshape(b, t, self.heads, self.key_dim).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.key_dim)
        if self.causal:
            scores = scores - 1e9 * torch.ones(t, t, device=x.device).triu(1)
        weights = self.dropout(torch.softmax(scores, -1))
        return self.output((weights @ v).transpose(1, 2).reshape(b, t, self.heads * self.key_dim))
`,
  transformer: `
class TransformerEncoder(nn.Module):
    """A post-norm encoder block: h = LN(x + drop(attention(x))); y = LN(h + drop(ff(h))),
    layer norms with epsilon 1e-3."""

    def __init__(self, dim, heads, key_dim, ff, dropout=0.0, activation=torch.relu):
        super().__init__()
        self.attention = SelfAttention(dim, heads, key_dim, dropout)
        self.norm1 = nn.LayerNorm(dim, eps=1e-3)
        self.ff1 = nn.Linear(dim, ff)
        self.ff2 = nn.Linear(ff, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-3)
        self.dropout = nn.Dropout(dropout)
        self.activation = activation

    def forward(self, x):
        h = self.norm1(x + self.dropout(self.attention(x)))
        return self.norm2(h + self.dropout(self.ff2(self.activation(self.ff1(h)))))
`,
};
