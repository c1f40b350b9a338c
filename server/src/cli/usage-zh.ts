// `nn --help` in Chinese: USAGE of main.ts, line for line. Commands, options, file names and
// values stay as typed; cli-i18n.test.ts fails when an option or a command of the English text is
// missing here, or English words are left.

import { VERSION } from './version';

export const USAGE_ZH = `nn ${VERSION}：检查、汇总和训练用 .nn 文件写成的神经网络

用法：
  nn check FILE|DIR... [--json] [--trust]  报告问题；有错误时退出码为 1；不读取所检查文件
                                          所在仓库之外的导入或数据，除非给出 --trust
  nn summary FILE [--model NAME] [--json]  每层的形状、参数、乘加次数、内存；
                                          显示的模型有错误时退出码为 1
  nn train FILE [--train NAME] [选项]     训练；在 FILE 旁边写入 runs/<train>/<time>/；
                                          只有训练块用到的部分有错误时才拒绝
  nn train --resume RUN_FOLDER            从运行的 last/ 检查点继续一次停止的运行
  nn evaluate RUN_FOLDER [--split test|train|validation]  运行的最佳权重在它的数据上的结果
                                              （train/validation：按运行当时的划分）：指标、混淆矩阵
  nn predict RUN_FOLDER INPUT... [--index N]   分类或预测：INPUT 是逗号分隔的数字
                                              （有 embedding 的模型：[0, vocab) 中的词元索引）
                                              或 PNG、JPEG 文件，或放它们的文件夹
                                              （--invert：深浅颠倒）；
                                              --index N 取第 N 个测试样本
  nn export FILE --to pytorch --out DIR [--model NAME]  具有 nn 语义的 PyTorch 模块（model.py）
  nn export FILE --to pytorch --out DIR --train NAME    另加 train.py、data.py 和 data/：在 PyTorch 上运行该训练块
                                                        （超参数搜索：用 --set KEY=VALUE 选定取值；
                                                        --no-data：不写 data/，由 data.py 生成数据；
                                                        --out 必须为空；--force 替换之前的导出）
  nn export --run RUN_FOLDER --to pytorch --out DIR     运行的模型，以及它的最佳权重 weights.pt
  nn export FILE --to onnx --out DIR [--model NAME]     model.onnx（opset 17），带 nn 训练开始时的
                                                        初始权重（--seed N；不给时为 0）
  nn export --run RUN_FOLDER --to onnx --out DIR        带运行最佳权重的 model.onnx
  nn graph FILE --out FILE.svg|FILE.png [--model NAME]  把模型画成图：层、边上的形状、
                                          块和重复画成框；有错误的层为红色
  nn runs [FOLDER...] [--train NAME] [--sort METRIC] [--json]  FOLDER（默认 runs/）下各次运行的表格：
                                          状态、改动（搜索的取值、--set）、最佳验证结果和测试结果
  nn plot RUN_FOLDER... --out FILE.svg|FILE.png [--chart NAME]  把训练图表的图片写成文件：
                       curves（默认；多次运行叠加，以不同之处命名）、lr、boundary、
                       fit、confusion、predictions、weights、layers
  nn weights RUN_FOLDER [--layer NAME] [--last] [--threshold T] [--json]  每层的权重（best/，或 last/）：
                       平均值、标准差、最小值、最大值、|w| < T 的比例（默认 0.001）、小层的各个值

训练选项：
  --train NAME         训练块（文件中有多个时必须给出）
  --epochs N           覆盖 epochs；  --seed N  覆盖 seed
  --backend B          auto（默认：装了 tensorflow 就用它，否则 wasm，再否则 cpu）、tensorflow、wasm、cpu
  --engine E           tfjs（默认）或 torch：在 Python 子进程中用 PyTorch 训练（docs/pytorch.md）
  --device D           torch：auto（默认：有 GPU 就用 GPU）、cpu、cuda、cuda:N
  --processes N        torch：用 DistributedDataParallel 的 N 个进程（batch_size 仍是全局批量）
  --threads N          wasm 后端的线程数，1 到 8（默认：每个核一个，最多 8 个）；
                       配合 --engine torch 时是每个进程的 PyTorch 线程数
  --runs DIR           运行文件夹的位置（默认：FILE 旁边的 runs/）
  --resume RUN|last    继续一个运行文件夹，或该训练块最近的一次运行
  --data-path DIR      存放数据集文件夹（fashion-mnist/、mnist/）的文件夹
  --no-download        从不下载内置数据集
  --set KEY=VALUE      用 VALUE 代替训练块中的一个值（可重复）：batch_size=64、model=Deep、
                       optimizer.lr=0.01、early_stopping.patience=3；与文件中写的值一样检查
  --parallel N         超参数搜索（try [...] 取值）：同时在 N 个进程中运行试验（默认：核数）
  --prune median       超参数搜索：某次试验至今的最佳损失比其他试验在该轮的中位数差时，停止它
                       （从第 2 轮开始，至少有 2 次其他试验可比）
  --layer-stats S      本次运行的 layer_stats：epoch、每 N 批，或 off（docs/training.md）
  Ctrl+C 在当前这一批之后停止并保存 last/（退出码 130）；再按一次 Ctrl+C 立即退出。
  NN_PROGRESS_SOCKET=PATH 同时把 JSON 行发到这个本地套接字，并接受 {"type":"stop"}。

选项：
  --json       机器可读的输出（nn train：每行一个 JSON 事件）
  --lang L     消息的语言：en 或 zh-cn（默认：取自 LANGUAGE、LC_ALL、LC_MESSAGES、LANG）
  --help       显示本帮助
  --version    显示版本

退出码：0 成功，1 文件或训练中有错误，2 用法错误，130/143 被 SIGINT/SIGTERM 停止，
  141 nn train 因输出被关闭而停止（nn train ... | head）`;
