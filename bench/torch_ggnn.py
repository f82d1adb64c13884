"""PyTorch reference for bench/model.ts: the same GGNN trained on the same batches.

Reads the batch file bench/model.ts writes (one JSON header line, then raw
arrays), trains the identical network (value embedding, per-type message
matrices, sum aggregation, GRUCell, T steps, branch MLP over [h_T, h_0] of the
task node, Adam) with one thread, and prints one JSON line of graphs/s:

- scatter: the standard formulation (PyG style): per edge type, gather the
  source states, map them, index_add_ them into the destinations;
- dense: the topology-grouped formulation: per group of B instances of one
  N-node topology, A_stack [M*N, N] @ X [N, B*H], rearranged to [N*B, M*H]
  and multiplied by W_stack [M*H, H].
"""
import json
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(1)


def load(path):
    with open(path, "rb") as f:
        header = json.loads(f.readline())
        base = f.tell()
        blob = f.read()

    def arr(spec):
        a = np.frombuffer(blob, dtype=spec["dtype"], count=spec["length"], offset=spec["offset"])
        return torch.from_numpy(a.astype(np.int64) if spec["dtype"] == "i4" else a.copy())

    batches = []
    for b in header["batches"]:
        batches.append({k: (arr(v) if isinstance(v, dict) else v) for k, v in b.items()})
    del base
    return header, batches


class Ggnn(torch.nn.Module):
    def __init__(self, hidden, steps, message_types, encoding_width, dense):
        super().__init__()
        self.hidden, self.steps, self.types, self.dense = hidden, steps, message_types, dense
        self.embed = torch.nn.Linear(encoding_width, hidden)
        self.unknown = torch.nn.Parameter(torch.randn(1, hidden) * 0.1)
        self.messages = torch.nn.Parameter(torch.randn(message_types, hidden, hidden) * (1.0 / hidden) ** 0.5)
        self.gru = torch.nn.GRUCell(hidden, hidden)
        self.head = torch.nn.Sequential(torch.nn.Linear(2 * hidden, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))

    def initial(self, b):
        h0 = torch.zeros(b["nodes"], self.hidden)
        h0 = h0.index_copy(0, b["known"], self.embed(b["encoded"].view(-1, self.embed.in_features)))
        if len(b["unknown"]) > 0:
            h0 = h0.index_copy(0, b["unknown"], self.unknown.expand(len(b["unknown"]), -1))
        return h0

    def propagate_scatter(self, h, b):
        by_type = [(b["src"][b["type"] == m], b["dst"][b["type"] == m]) for m in range(self.types)]
        for _ in range(self.steps):
            agg = torch.zeros_like(h)
            for m, (src, dst) in enumerate(by_type):
                if len(src) > 0:
                    agg.index_add_(0, dst, h.index_select(0, src) @ self.messages[m])
            h = self.gru(agg, h)
        return h

    def propagate_dense(self, h, b):
        H, M = self.hidden, self.types
        groups = b["groups"].view(-1, 5).tolist()
        adjacency = []
        for start, N, B, first, count in groups:
            a = torch.zeros(M, N, N)
            sl = slice(first, first + count)
            a.index_put_((b["localType"][sl], b["localDst"][sl], b["localSrc"][sl]), torch.ones(count), accumulate=True)
            adjacency.append(a.view(M * N, N))
        w_stack = self.messages.reshape(M * H, H)
        for _ in range(self.steps):
            agg_parts = []
            for (start, N, B, _, _), a in zip(groups, adjacency):
                x = h[start:start + N * B].view(B, N, H).permute(1, 0, 2).reshape(N, B * H)
                z = (a @ x).view(M, N, B, H).permute(2, 1, 0, 3).reshape(B * N, M * H)
                agg_parts.append(z @ w_stack)
            h = self.gru(torch.cat(agg_parts), h)
        return h

    def forward(self, b):
        h0 = self.initial(b)
        h = self.propagate_dense(h0, b) if self.dense else self.propagate_scatter(h0, b)
        task = b["task"]
        return self.head(torch.cat([h[task], h0[task]], 1)).squeeze(1)


def time_training(header, batches, dense):
    model = Ggnn(header["hidden"], header["steps"], header["messageTypes"], header["encodingWidth"], dense)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    graphs, start = 0, 0.0
    for i, b in enumerate(batches):
        if i == header["warmup"]:
            start = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_fn(model(b), b["label"])
        loss.backward()
        optimizer.step()
        if i >= header["warmup"]:
            graphs += len(b["task"])
    return graphs / (time.perf_counter() - start)


def blas_name():
    """The BLAS library actually loaded (Debian picks it by update-alternatives)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(paths)) or "none found"


def main():
    header, batches = load(sys.argv[1])
    scatter = time_training(header, batches, dense=False)
    dense = time_training(header, batches, dense=True)
    print(json.dumps({"scatter": scatter, "dense": dense, "blas": blas_name(), "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
