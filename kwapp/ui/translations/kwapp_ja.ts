<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>ConfidenceView</name>
    <message>
        <source>Time (s)</source>
        <translation>時間（秒）</translation>
    </message>
    <message>
        <source>Keyword scores (dashed line: threshold, drag to change)</source>
        <translation>キーワードのスコア（破線はしきい値、ドラッグで変更）</translation>
    </message>
    <message>
        <source>Threshold of {keyword}: drag up or down</source>
        <translation>{keyword} のしきい値：上下にドラッグして変更</translation>
    </message>
</context>
<context>
    <name>FinetunePanel</name>
    <message>
        <source>Base model: {folder}; samples: {samples}</source>
        <translation>ベースモデル：{folder}、サンプル：{samples}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancelled; nothing was written</source>
        <translation>キャンセルしました。何も書き込まれていません</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <source>Done: {folder}</source>
        <translation>完了：{folder}</translation>
    </message>
    <message>
        <source>False alarms/h after</source>
        <translation>誤検出/時（後）</translation>
    </message>
    <message>
        <source>False alarms/h before</source>
        <translation>誤検出/時（前）</translation>
    </message>
    <message>
        <source>Fine-tune on recorded samples</source>
        <translation>録音したサンプルでファインチューニング</translation>
    </message>
    <message>
        <source>Fine-tuning failed: {error}</source>
        <translation>ファインチューニングに失敗しました：{error}</translation>
    </message>
    <message>
        <source>Held-out takes after</source>
        <translation>評価用テイク（後）</translation>
    </message>
    <message>
        <source>Held-out takes before</source>
        <translation>評価用テイク（前）</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>キーワード</translation>
    </message>
    <message>
        <source>Load this version</source>
        <translation>このバージョンを読み込む</translation>
    </message>
    <message>
        <source>Model versions:</source>
        <translation>モデルのバージョン：</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>準備中…</translation>
    </message>
    <message>
        <source>Step {step} of {total}, about {seconds:.0f} s left</source>
        <translation>ステップ {step}/{total}、残り約 {seconds:.0f} 秒</translation>
    </message>
    <message>
        <source>Switch to new model</source>
        <translation>新しいモデルに切り替え</translation>
    </message>
</context>
<context>
    <name>InputBar</name>
    <message>
        <source>Input:</source>
        <translation>入力：</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>チャンネル：</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>再検索</translation>
    </message>
    <message>
        <source>Scan for input devices again (stops the input while scanning)</source>
        <translation>入力デバイスを検索し直します（検索中は入力を停止します）</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>ファイルを開く…</translation>
    </message>
    <message>
        <source>Play a WAV or FLAC file as if it were a microphone</source>
        <translation>WAV または FLAC ファイルをマイク入力として再生します</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Clipping</source>
        <translation>音割れ</translation>
    </message>
    <message>
        <source>Lit when samples reached full scale in the last 2 seconds; lower the input gain</source>
        <translation>直近 2 秒以内に入力がフルスケールに達すると点灯します。入力ゲインを下げてください</translation>
    </message>
    <message>
        <source>Microphone lost: reconnecting…</source>
        <translation>マイク切断：再接続中…</translation>
    </message>
    <message>
        <source>No input device found</source>
        <translation>入力デバイスが見つかりません</translation>
    </message>
    <message>
        <source>File: {name}</source>
        <translation>ファイル：{name}</translation>
    </message>
    <message>
        <source>Open audio file</source>
        <translation>音声ファイルを開く</translation>
    </message>
    <message>
        <source>Audio files ({patterns})</source>
        <translation>音声ファイル ({patterns})</translation>
    </message>
    <message>
        <source>Mix of all</source>
        <translation>全チャンネル合成</translation>
    </message>
    <message>
        <source>{level:.0f} dBFS</source>
        <translation>{level:.0f} dBFS</translation>
    </message>
    <message>
        <source>Overflows: {count}</source>
        <translation>オーバーフロー：{count}</translation>
    </message>
    <message>
        <source>Times the audio driver reported lost input (PortAudio input overflow)</source>
        <translation>オーディオドライバが入力の取りこぼしを報告した回数（PortAudio の入力オーバーフロー）</translation>
    </message>
    <message>
        <source>Dropped: {count} frames</source>
        <translation>欠落：{count} フレーム</translation>
    </message>
    <message>
        <source>Audio frames discarded because processing fell behind</source>
        <translation>処理が追いつかずに破棄した音声フレーム数</translation>
    </message>
</context>
<context>
    <name>IntegrationDialog</name>
    <message>
        <source>Plant integration</source>
        <translation>工場連携</translation>
    </message>
    <message>
        <source>Settings file (also read by kwapp listen --config): {path}</source>
        <translation>設定ファイル（kwapp listen --config も読みます）：{path}</translation>
    </message>
    <message>
        <source>Send test event</source>
        <translation>テストイベントを送信</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>ステーション</translation>
    </message>
    <message>
        <source>Station name:</source>
        <translation>ステーション名：</translation>
    </message>
    <message>
        <source>empty: MQTT off</source>
        <translation>空欄：MQTT を使わない</translation>
    </message>
    <message>
        <source>default (1883, TLS 8883)</source>
        <translation>既定（1883、TLS は 8883）</translation>
    </message>
    <message>
        <source>Use TLS</source>
        <translation>TLS を使う</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA 証明書</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>クライアント証明書</translation>
    </message>
    <message>
        <source>Client key</source>
        <translation>クライアント秘密鍵</translation>
    </message>
    <message>
        <source>MQTT broker</source>
        <translation>MQTT ブローカー</translation>
    </message>
    <message>
        <source>Broker host:</source>
        <translation>ブローカーのホスト：</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>ポート：</translation>
    </message>
    <message>
        <source>Topic prefix:</source>
        <translation>トピックの接頭辞：</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>ユーザー名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>パスワード：</translation>
    </message>
    <message>
        <source>CA certificate:</source>
        <translation>CA 証明書：</translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation>クライアント証明書：</translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation>クライアント秘密鍵：</translation>
    </message>
    <message>
        <source>empty: webhook off</source>
        <translation>空欄：Webhook を使わない</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Sound file</source>
        <translation>音声ファイル</translation>
    </message>
    <message>
        <source>Webhook and sound</source>
        <translation>Webhook と音</translation>
    </message>
    <message>
        <source>Webhook URL:</source>
        <translation>Webhook の URL：</translation>
    </message>
    <message>
        <source>Timeout:</source>
        <translation>タイムアウト：</translation>
    </message>
    <message>
        <source>Sound file (WAV):</source>
        <translation>音声ファイル（WAV）：</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>キーワード</translation>
    </message>
    <message>
        <source>MQTT</source>
        <translation>MQTT</translation>
    </message>
    <message>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <source>Sound</source>
        <translation>音</translation>
    </message>
    <message>
        <source>Actions per keyword</source>
        <translation>キーワードごとの動作</translation>
    </message>
    <message>
        <source>read from {path}</source>
        <translation>{path} から読み込み</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>保存されませんでした：{error}</translation>
    </message>
    <message>
        <source>Saved, but the actions did not start; see the status bar and the log</source>
        <translation>保存しましたが、動作を開始できませんでした。ステータスバーとログを確認してください</translation>
    </message>
    <message>
        <source>Saved, but no keyword sends events: tick MQTT or Webhook for the keywords that should</source>
        <translation>保存しましたが、イベントを送るキーワードがありません。送信するキーワードの MQTT または Webhook にチェックを入れてください</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>{path} に保存しました</translation>
    </message>
    <message>
        <source>No broker or webhook is set: enter one first</source>
        <translation>ブローカーも Webhook も設定されていません。先に入力してください</translation>
    </message>
    <message>
        <source>Test event sent; waiting for delivery…</source>
        <translation>テストイベントを送信しました。配信を待っています…</translation>
    </message>
    <message>
        <source>{target}: delivered</source>
        <translation>{target}：配信済み</translation>
    </message>
    <message>
        <source>{target}: not delivered ({detail}); it waits in the queue</source>
        <translation>{target}：未配信（{detail}）。キューで待機中です</translation>
    </message>
    <message>
        <source>{target}: no answer within {seconds:.0f} s; it waits in the queue</source>
        <translation>{target}：{seconds:.0f} 秒以内に応答がありません。キューで待機中です</translation>
    </message>
    <message>
        <source>No keyword sends events yet: tick MQTT or Webhook for the keywords that should</source>
        <translation>イベントを送るキーワードがまだありません。送信するキーワードの MQTT または Webhook にチェックを入れてください</translation>
    </message>
</context>
<context>
    <name>KeywordPanel</name>
    <message>
        <source>Keyword (enabled)</source>
        <translation>キーワード（有効）</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>しきい値</translation>
    </message>
    <message>
        <source>Refractory time</source>
        <translation>不感時間</translation>
    </message>
    <message>
        <source>Use the model&apos;s values</source>
        <translation>モデルの設定値に戻す</translation>
    </message>
    <message>
        <source>Forget your changes and use the thresholds stored with the model</source>
        <translation>変更を破棄し、モデルに保存されたしきい値を使います</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>A detection fires when the smoothed score reaches this value</source>
        <translation>平滑化したスコアがこの値に達すると検出します</translation>
    </message>
    <message>
        <source>After a detection the same keyword stays silent this long</source>
        <translation>検出後、同じキーワードをこの時間は検出しません</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>The file has ended</source>
        <translation>ファイルの再生が終わりました</translation>
    </message>
    <message>
        <source>Model {name} is running</source>
        <translation>モデル {name} で検出中</translation>
    </message>
    <message>
        <source>kwapp: keyword monitor</source>
        <translation>kwapp：キーワード監視</translation>
    </message>
    <message>
        <source>MQTT</source>
        <translation>MQTT</translation>
    </message>
    <message>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>接続中</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>接続できません</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>接続しています</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>{target}: {state}</source>
        <translation>{target}：{state}</translation>
    </message>
    <message>
        <source> ({count} waiting)</source>
        <translation>（{count} 件待機中）</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>検出履歴</translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation>キーワード</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>設定(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>Open audio file…</source>
        <translation>音声ファイルを開く…</translation>
    </message>
    <message>
        <source>Export detections as CSV…</source>
        <translation>検出履歴を CSV に出力…</translation>
    </message>
    <message>
        <source>Load model folder…</source>
        <translation>モデルフォルダを読み込む…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Language and theme…</source>
        <translation>表示言語とテーマ…</translation>
    </message>
    <message>
        <source>Plant integration (MQTT, webhook)…</source>
        <translation>工場連携（MQTT、Webhook）…</translation>
    </message>
    <message>
        <source>About kwapp</source>
        <translation>kwapp について</translation>
    </message>
    <message>
        <source>No input device found: connect a microphone and press Refresh, or open a file</source>
        <translation>入力デバイスが見つかりません。マイクを接続して「再検索」を押すか、ファイルを開いてください</translation>
    </message>
    <message>
        <source>Choose an input device or open a file first</source>
        <translation>先に入力デバイスを選ぶか、ファイルを開いてください</translation>
    </message>
    <message>
        <source>Listening to {source}</source>
        <translation>{source} を監視中</translation>
    </message>
    <message>
        <source>The input did not stop in time; see the log</source>
        <translation>入力が時間内に停止しませんでした。ログを確認してください</translation>
    </message>
    <message>
        <source>Input devices changed; the list is updated</source>
        <translation>入力デバイスが変わりました。一覧を更新しました</translation>
    </message>
    <message>
        <source>Input devices changed; press Refresh to update the list (the input restarts)</source>
        <translation>入力デバイスが変わりました。一覧を更新するには「再検索」を押してください（入力は一度止まります）</translation>
    </message>
    <message>
        <source>Detected {keyword} (score {score:.2f})</source>
        <translation>{keyword} を検出（スコア {score:.2f}）</translation>
    </message>
    <message>
        <source>Error: {message}</source>
        <translation>エラー：{message}</translation>
    </message>
    <message>
        <source>Model not loaded</source>
        <translation>モデルを読み込めませんでした</translation>
    </message>
    <message>
        <source>Loading model {name}…</source>
        <translation>モデル {name} を読み込み中…</translation>
    </message>
    <message>
        <source>The {language} translation could not be loaded; see the log</source>
        <translation>{language} の翻訳を読み込めませんでした。ログを確認してください</translation>
    </message>
    <message>
        <source>kwapp {version}

Offline keyword spotting with a streaming Keyword Mamba model. Audio never leaves this computer.</source>
        <translation>kwapp {version}

ストリーミング型 Keyword Mamba モデルによるオフラインのキーワード検出です。音声がこのコンピュータの外に送られることはありません。</translation>
    </message>
    <message>
        <source>Fine-tune</source>
        <translation>ファインチューニング</translation>
    </message>
    <message>
        <source>Record samples</source>
        <translation>サンプル録音</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>cannot load the TLS files of [mqtt.tls]: {error}; check ca_file, cert_file and key_file</source>
        <translation>[mqtt.tls] の TLS ファイルを読み込めません: {error}。ca_file、cert_file、key_file を確認してください</translation>
    </message>
    <message>
        <source>cannot read sound file {path}: {error}; use a WAV or FLAC file</source>
        <translation>サウンドファイル {path} を読み込めません: {error}。WAV または FLAC ファイルを使ってください</translation>
    </message>
    <message>
        <source>audio file {path} not found; pass an existing WAV or FLAC file with --source</source>
        <translation>音声ファイル {path} が見つかりません。--source には存在する WAV または FLAC ファイルを指定してください</translation>
    </message>
    <message>
        <source>input device {device} could not be opened: {error}; close other programs that use it or choose another device (kwapp listen --list-devices)</source>
        <translation>入力デバイス {device} を開けませんでした: {error}。このデバイスを使っている他のプログラムを閉じるか、別のデバイスを選んでください（kwapp listen --list-devices）</translation>
    </message>
    <message>
        <source>sample format {dtype} is not supported; use int16, int32, float32 or float64</source>
        <translation>サンプル形式 {dtype} には対応していません。int16、int32、float32、float64 のいずれかを使ってください</translation>
    </message>
    <message>
        <source>input device {name!r} not found; available input devices: {names}</source>
        <translation>入力デバイス {name!r} が見つかりません。使用できる入力デバイス: {names}</translation>
    </message>
    <message>
        <source>input device {name!r} matches {count} devices; use one of: {names}</source>
        <translation>入力デバイス名 {name!r} は {count} 個のデバイスに一致します。次のいずれかを指定してください: {names}</translation>
    </message>
    <message>
        <source>no default input device; connect a microphone or pass --device NAME</source>
        <translation>既定の入力デバイスがありません。マイクを接続するか、--device NAME を指定してください</translation>
    </message>
    <message>
        <source>cannot read audio file {path}: {error}. Use a WAV or FLAC file.</source>
        <translation>音声ファイル {path} を読み込めません: {error}。WAV または FLAC ファイルを使ってください。</translation>
    </message>
    <message>
        <source>channel {channel} does not exist; the input has {channels} channels (0-based)</source>
        <translation>チャンネル {channel} はありません。この入力のチャンネル数は {channels} です（番号は 0 から）</translation>
    </message>
    <message>
        <source>kwapp: error: {message}</source>
        <translation>kwapp: エラー: {message}</translation>
    </message>
    <message>
        <source>{folder} has no model.pt for --modes clip_float; use --modes stream_int8</source>
        <translation>{folder} には --modes clip_float に必要な model.pt がありません。--modes stream_int8 を使ってください</translation>
    </message>
    <message>
        <source>accuracy {accuracy:.4f} on {n} clips ({mode})</source>
        <translation>正解率 {accuracy:.4f}（{n} クリップ、{mode}）</translation>
    </message>
    <message>
        <source>{name}: target {target} FA/h</source>
        <translation>{name}: 目標 {target} FA/h</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>該当なし</translation>
    </message>
    <message>
        <source>  {keyword:12s} threshold {threshold:.2f}  FRR {frr}  FA/h {fa_per_hour:.2f}  per 8-h shift {fa_per_shift:.1f}</source>
        <translation>  {keyword:12s} しきい値 {threshold:.2f}  FRR {frr}  FA/h {fa_per_hour:.2f}  8 時間シフトあたり {fa_per_shift:.1f}</translation>
    </message>
    <message>
        <source>threshold {value} for {keyword!r} is invalid; use a value in (0, 1]</source>
        <translation>{keyword!r} のしきい値 {value} は無効です。(0, 1] の範囲の値を使ってください</translation>
    </message>
    <message>
        <source>smoothing window {frames} frames is invalid; use 1 or more</source>
        <translation>平滑化の窓 {frames} フレームは無効です。1 以上を指定してください</translation>
    </message>
    <message>
        <source>model folder {folder} has no {name}; pass a folder written by &apos;kwapp train&apos; or &apos;kwapp finetune&apos;, such as models/default</source>
        <translation>モデルフォルダー {folder} に {name} がありません。models/default のように &apos;kwapp train&apos; または &apos;kwapp finetune&apos; が書き出したフォルダーを指定してください</translation>
    </message>
    <message>
        <source>invalid {path}: {error}; re-export the model with &apos;kwapp train&apos; or &apos;kwapp finetune&apos;</source>
        <translation>{path} が無効です: {error}。&apos;kwapp train&apos; または &apos;kwapp finetune&apos; でモデルを書き出し直してください</translation>
    </message>
    <message>
        <source>{path}: the model has {outputs} outputs but {labels} labels; the folder is inconsistent</source>
        <translation>{path}: モデルの出力は {outputs} 個ですが、ラベルは {labels} 個です。フォルダーの内容が食い違っています</translation>
    </message>
    <message>
        <source>{path}: model input size {size} does not match the feature size</source>
        <translation>{path}: モデルの入力サイズ {size} が特徴量のサイズと一致しません</translation>
    </message>
    <message>
        <source>unknown architecture {arch!r}; use mamba, mamba_t or kwt</source>
        <translation>不明なアーキテクチャ {arch!r} です。mamba、mamba_t、kwt のいずれかを使ってください</translation>
    </message>
    <message>
        <source>model folder {folder} has no {name}; it cannot be fine-tuned or exported</source>
        <translation>モデルフォルダー {folder} に {name} がないため、ファインチューニングもエクスポートもできません</translation>
    </message>
    <message>
        <source>{weights} was saved for another model config or label list than {folder}/config.json</source>
        <translation>{weights} は {folder}/config.json とは別のモデル設定またはラベル一覧で保存されています</translation>
    </message>
    <message>
        <source>model folder {folder} has no {name}; run &apos;kwapp export&apos; to create it</source>
        <translation>モデルフォルダー {folder} に {name} がありません。&apos;kwapp export&apos; で作成してください</translation>
    </message>
    <message>
        <source>audio file {path} not found; pass an existing WAV or FLAC file</source>
        <translation>音声ファイル {path} が見つかりません。存在する WAV または FLAC ファイルを指定してください</translation>
    </message>
    <message>
        <source>config file {path} has [keywords] tables for {unknown}, which model {model} cannot detect; use some of {keywords} or remove them</source>
        <translation>設定ファイル {path} に、モデル {model} が検出できないキーワード {unknown} の [keywords] テーブルがあります。{keywords} の中から選ぶか、削除してください</translation>
    </message>
    <message>
        <source>audio file {path} contains only digital silence; record or choose a file with speech</source>
        <translation>音声ファイル {path} にはデジタル無音しか入っていません。音声の入ったファイルを録音するか選んでください</translation>
    </message>
    <message>
        <source>outbox {path} is in use by another kwapp process; give each process its own [outbox] dir</source>
        <translation>送信待ちキュー {path} は別の kwapp プロセスが使用中です。プロセスごとに別の [outbox] dir を設定してください</translation>
    </message>
    <message>
        <source>an integer</source>
        <translation>整数</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数値</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>文字列</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true か false</translation>
    </message>
    <message>
        <source>{where} must be a list of strings, got {value!r}</source>
        <translation>{where} は文字列のリストで指定してください（指定値: {value!r}）</translation>
    </message>
    <message>
        <source>{where} must be a table of strings, got {value!r}</source>
        <translation>{where} は文字列のテーブルで指定してください（指定値: {value!r}）</translation>
    </message>
    <message>
        <source>{where} must be a file or folder path as a string, got {value!r}</source>
        <translation>{where} はファイルかフォルダーのパスを文字列で指定してください（指定値: {value!r}）</translation>
    </message>
    <message>
        <source>{where} must be {type}, got {value!r}</source>
        <translation>{where} は{type}で指定してください（指定値: {value!r}）</translation>
    </message>
    <message>
        <source>[{where}] must be a table, got {table!r}</source>
        <translation>[{where}] はテーブルで指定してください（指定値: {table!r}）</translation>
    </message>
    <message>
        <source>unknown key(s) {unknown} in [{where}]; expected some of {expected}</source>
        <translation>[{where}] に不明なキー {unknown} があります。使えるキーは {expected} です</translation>
    </message>
    <message>
        <source>[keywords] must contain tables such as [keywords.yes], got {table!r}</source>
        <translation>[keywords] には [keywords.yes] のようなテーブルを入れてください（指定値: {table!r}）</translation>
    </message>
    <message>
        <source>unknown section(s) {unknown}; expected some of {expected}</source>
        <translation>不明なセクション {unknown} があります。使えるセクションは {expected} です</translation>
    </message>
    <message>
        <source>{key} = {path!r} is not an existing file; fix the path</source>
        <translation>{key} = {path!r} は存在するファイルではありません。パスを直してください</translation>
    </message>
    <message>
        <source>{key} is empty; set a name such as &apos;press-3&apos;</source>
        <translation>{key} が空です。&apos;press-3&apos; のような名前を設定してください</translation>
    </message>
    <message>
        <source>{key} = {value!r} contains an MQTT wildcard (+ or #); remove it</source>
        <translation>{key} = {value!r} に MQTT のワイルドカード（+ または #）が含まれています。取り除いてください</translation>
    </message>
    <message>
        <source>{key} = {value!r} contains &apos;/&apos;; use one topic level such as &apos;press-3&apos;</source>
        <translation>{key} = {value!r} に &apos;/&apos; が含まれています。&apos;press-3&apos; のような 1 階層のトピック名を使ってください</translation>
    </message>
    <message>
        <source>{key} = {value!r} has an empty topic level; remove the extra &apos;/&apos;</source>
        <translation>{key} = {value!r} に空のトピック階層があります。余分な &apos;/&apos; を取り除いてください</translation>
    </message>
    <message>
        <source>{key} = {value} is invalid; use a positive number of seconds</source>
        <translation>{key} = {value} は無効です。正の秒数を指定してください</translation>
    </message>
    <message>
        <source>{key} = {value} is invalid; use 0 or more seconds</source>
        <translation>{key} = {value} は無効です。0 秒以上を指定してください</translation>
    </message>
    <message>
        <source>mqtt.port = {port} is invalid; use 1..65535, or 0 for the default</source>
        <translation>mqtt.port = {port} は無効です。1..65535 を指定するか、既定のポートには 0 を指定してください</translation>
    </message>
    <message>
        <source>{key} = {value} is invalid; use 1 or more seconds</source>
        <translation>{key} = {value} は無効です。1 秒以上を指定してください</translation>
    </message>
    <message>
        <source>{prefix}.{low} = {low_value} and {high} = {high_value} are invalid; use 0 &lt; {low} &lt;= {high}</source>
        <translation>{prefix}.{low} = {low_value} と {high} = {high_value} の組み合わせは無効です。0 &lt; {low} &lt;= {high} となるように指定してください</translation>
    </message>
    <message>
        <source>mqtt.password and mqtt.password_file are both set; keep one</source>
        <translation>mqtt.password と mqtt.password_file の両方が設定されています。どちらか一方だけにしてください</translation>
    </message>
    <message>
        <source>mqtt has a password but no username; set mqtt.username</source>
        <translation>mqtt にパスワードはありますがユーザー名がありません。mqtt.username を設定してください</translation>
    </message>
    <message>
        <source>mqtt.tls needs both cert_file and key_file for a client certificate, or neither</source>
        <translation>クライアント証明書を使うには mqtt.tls に cert_file と key_file の両方が必要です。使わない場合はどちらも設定しないでください</translation>
    </message>
    <message>
        <source>webhook.url = {url!r} is invalid; use an http:// or https:// URL with a host</source>
        <translation>webhook.url = {url!r} は無効です。ホストを含む http:// または https:// の URL を指定してください</translation>
    </message>
    <message>
        <source>webhook.url = {url!r} has an invalid port; use a number in 1..65535</source>
        <translation>webhook.url = {url!r} のポートが無効です。1..65535 の数値を指定してください</translation>
    </message>
    <message>
        <source>{key} = {value} is invalid; use 1 or more</source>
        <translation>{key} = {value} は無効です。1 以上を指定してください</translation>
    </message>
    <message>
        <source>{where}.actions contains {action!r}; use some of {actions}</source>
        <translation>{where}.actions に {action!r} が含まれています。{actions} の中から指定してください</translation>
    </message>
    <message>
        <source>{where} uses the &apos;mqtt&apos; action but [mqtt] host is not set; set it or remove the action</source>
        <translation>{where} は &apos;mqtt&apos; アクションを使いますが、[mqtt] の host が設定されていません。host を設定するか、このアクションを削除してください</translation>
    </message>
    <message>
        <source>{where} uses the &apos;webhook&apos; action but [webhook] url is not set; set it or remove the action</source>
        <translation>{where} は &apos;webhook&apos; アクションを使いますが、[webhook] の url が設定されていません。url を設定するか、このアクションを削除してください</translation>
    </message>
    <message>
        <source>{where} uses the &apos;sound&apos; action but sets no sound file; set {where}.sound or [sound] file</source>
        <translation>{where} は &apos;sound&apos; アクションを使いますが、サウンドファイルが設定されていません。{where}.sound か [sound] の file を設定してください</translation>
    </message>
    <message>
        <source>cannot read mqtt.password_file {path}: {error}; fix its path or permissions</source>
        <translation>mqtt.password_file {path} を読み込めません: {error}。パスかアクセス権を直してください</translation>
    </message>
    <message>
        <source>config file {path} not found; copy examples/kwapp.toml and edit it</source>
        <translation>設定ファイル {path} が見つかりません。examples/kwapp.toml をコピーして編集してください</translation>
    </message>
    <message>
        <source>cannot read config file {path}: {error}; check its permissions and encoding (UTF-8)</source>
        <translation>設定ファイル {path} を読み込めません: {error}。アクセス権と文字コード（UTF-8）を確認してください</translation>
    </message>
    <message>
        <source>config file {path} is not valid TOML: {error}</source>
        <translation>設定ファイル {path} は正しい TOML ではありません: {error}</translation>
    </message>
    <message>
        <source>config file {path}: {error}</source>
        <translation>設定ファイル {path}: {error}</translation>
    </message>
    <message>
        <source>data folder {root} not found; pass a folder with &lt;label&gt;/&lt;clip&gt; sub-folders</source>
        <translation>データフォルダー {root} が見つかりません。&lt;label&gt;/&lt;clip&gt; のサブフォルダーがあるフォルダーを指定してください</translation>
    </message>
    <message>
        <source>no audio clips found in {root}; expected &lt;label&gt;/&lt;clip&gt;.wav or .flac sub-folders</source>
        <translation>{root} に音声クリップが見つかりません。&lt;label&gt;/&lt;clip&gt;.wav または .flac の形のサブフォルダーが必要です</translation>
    </message>
    <message>
        <source>{count} speakers appear in both training and held-out data, e.g. {examples}</source>
        <translation>{count} 人の話者が学習データと評価用データの両方に含まれています（例: {examples}）</translation>
    </message>
    <message>
        <source>model folder {folder} has no {name}; fine-tune from a folder made by &apos;kwapp train&apos;</source>
        <translation>モデルフォルダー {folder} に {name} がありません。&apos;kwapp train&apos; で作ったフォルダーからファインチューニングしてください</translation>
    </message>
    <message>
        <source>the label is empty; type a keyword such as &apos;athena&apos;</source>
        <translation>ラベルが空です。&apos;athena&apos; のようなキーワードを入力してください</translation>
    </message>
    <message>
        <source>label {label!r} is invalid: it must not contain &apos;/&apos; or &apos;\&apos;, or start with &apos;.&apos;; type a plain word</source>
        <translation>ラベル {label!r} は無効です。&apos;/&apos; や &apos;\&apos; を含めたり &apos;.&apos; で始めたりはできません。普通の単語を入力してください</translation>
    </message>
    <message>
        <source>folder {folder} not found; pass a folder of WAV/FLAC recordings</source>
        <translation>フォルダー {folder} が見つかりません。WAV/FLAC の録音が入ったフォルダーを指定してください</translation>
    </message>
    <message>
        <source>no recordings found in {folders}</source>
        <translation>{folders} に録音が見つかりません</translation>
    </message>
    <message>
        <source>unknown {name} fields {unknown}; expected some of {expected}</source>
        <translation>{name} に不明な項目 {unknown} があります。{expected} のいずれかを使ってください</translation>
    </message>
    <message>
        <source>data folder {root} not found; pass folders with &lt;label&gt;/&lt;clip&gt;.wav sub-folders</source>
        <translation>データフォルダー {root} が見つかりません。&lt;label&gt;/&lt;clip&gt;.wav のサブフォルダーがあるフォルダーを指定してください</translation>
    </message>
    <message>
        <source>no takes found in {folders}; record takes into &lt;label&gt;/ sub-folders first</source>
        <translation>{folders} にテイクが見つかりません。先に &lt;label&gt;/ サブフォルダーへテイクを録音してください</translation>
    </message>
    <message>
        <source>output folder {out} already exists and is not empty; choose a new --out folder</source>
        <translation>出力フォルダー {out} はすでにあり、空ではありません。--out には新しいフォルダーを指定してください</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>{arch}: {layers} layers of width {width}, input {count} {kind} features</source>
        <translation>{arch}：幅 {width}、{layers} 層、入力は {kind} 特徴量 {count} 次元</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>フォルダ：</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>構成：</translation>
    </message>
    <message>
        <source>Labels:</source>
        <translation>ラベル：</translation>
    </message>
    <message>
        <source>Files:</source>
        <translation>ファイル：</translation>
    </message>
    <message>
        <source>Metric (from config.json)</source>
        <translation>評価指標（config.json より）</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Load another model folder…</source>
        <translation>別のモデルフォルダを読み込む…</translation>
    </message>
    <message>
        <source>Switch models without stopping the input</source>
        <translation>入力を止めずにモデルを切り替えます</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>モデルフォルダを選択</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <source>Invalid keyword: {error}</source>
        <translation>キーワードが無効です：{error}</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景音</translation>
    </message>
    <message>
        <source>Background length (s):</source>
        <translation>背景音の長さ（秒）：</translation>
    </message>
    <message>
        <source>Cannot play the take: {error}</source>
        <translation>テイクを再生できません：{error}</translation>
    </message>
    <message>
        <source>Choose a keyword of the model or type a new one</source>
        <translation>モデルのキーワードを選ぶか、新しいキーワードを入力してください</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>破棄</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Keyword take</source>
        <translation>キーワードのテイク</translation>
    </message>
    <message>
        <source>Keyword:</source>
        <translation>キーワード：</translation>
    </message>
    <message>
        <source>Move last kept take to this keyword</source>
        <translation>最後に保存したテイクをこのキーワードに移動</translation>
    </message>
    <message>
        <source>Moved take {clip} to {label}</source>
        <translation>テイク {clip} を {label} に移動しました</translation>
    </message>
    <message>
        <source>Moving the take failed: {error}</source>
        <translation>テイクの移動に失敗しました：{error}</translation>
    </message>
    <message>
        <source>Peak level {peak:.1f} dBFS</source>
        <translation>ピークレベル {peak:.1f} dBFS</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>再生</translation>
    </message>
    <message>
        <source>Playback failed, no usable audio output device ({error})</source>
        <translation>再生に失敗しました。使用できる音声出力デバイスがありません（{error}）</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>録音</translation>
    </message>
    <message>
        <source>Record:</source>
        <translation>録音の種類：</translation>
    </message>
    <message>
        <source>Recording background… stay quiet</source>
        <translation>背景音を録音中…話さないでください</translation>
    </message>
    <message>
        <source>Recording… speak now</source>
        <translation>録音中…今話してください</translation>
    </message>
    <message>
        <source>Samples folder: {path}</source>
        <translation>サンプルフォルダー：{path}</translation>
    </message>
    <message>
        <source>Saved take {clip} as {label}</source>
        <translation>テイク {clip} を {label} として保存しました</translation>
    </message>
    <message>
        <source>Saving the take failed: {error}</source>
        <translation>テイクの保存に失敗しました：{error}</translation>
    </message>
    <message>
        <source>Speaker or session:</source>
        <translation>話者またはセッション：</translation>
    </message>
    <message>
        <source>Start the input first: takes are recorded from the running stream</source>
        <translation>先に入力を開始してください。テイクは実行中のストリームから録音されます</translation>
    </message>
    <message>
        <source>The input stopped before recording; start it and try again</source>
        <translation>録音の前に入力が停止しました。入力を開始してもう一度お試しください</translation>
    </message>
    <message>
        <source>clipped: move away from the microphone or lower the input gain</source>
        <translation>クリッピング：マイクから離れるか入力ゲインを下げてください</translation>
    </message>
    <message>
        <source>too quiet: speak closer to the microphone</source>
        <translation>音量不足：マイクに近づいて話してください</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>表示言語：</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>テーマ：</translation>
    </message>
</context>
<context>
    <name>SpectrogramView</name>
    <message>
        <source>Mel band</source>
        <translation>メル帯域</translation>
    </message>
    <message>
        <source>Log-mel spectrogram</source>
        <translation>対数メルスペクトログラム</translation>
    </message>
</context>
<context>
    <name>TriggerLogPanel</name>
    <message>
        <source>Play</source>
        <translation>再生</translation>
    </message>
    <message>
        <source>Play the recorded audio around the selected detection</source>
        <translation>選択した検出の前後の録音を再生します</translation>
    </message>
    <message>
        <source>True alarm</source>
        <translation>正検出</translation>
    </message>
    <message>
        <source>False alarm</source>
        <translation>誤検出</translation>
    </message>
    <message>
        <source>Clear review</source>
        <translation>判定を取り消す</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 出力…</translation>
    </message>
    <message>
        <source>{shown} detections shown, log file: {path}</source>
        <translation>表示中の検出 {shown} 件&#x3000;記録ファイル：{path}</translation>
    </message>
    <message>
        <source>Select a detection first</source>
        <translation>先に検出を選択してください</translation>
    </message>
    <message>
        <source>Saving the review failed: {error}</source>
        <translation>判定を保存できませんでした：{error}</translation>
    </message>
    <message>
        <source>The audio of this detection is still being recorded</source>
        <translation>この検出の音声はまだ録音中です</translation>
    </message>
    <message>
        <source>No audio was saved for this detection</source>
        <translation>この検出の音声は保存されていません</translation>
    </message>
    <message>
        <source>Cannot read {path}: {error}</source>
        <translation>{path} を読み込めません：{error}</translation>
    </message>
    <message>
        <source>Playback failed, no usable audio output device ({error})</source>
        <translation>再生できません。使える音声出力デバイスがありません（{error}）</translation>
    </message>
    <message>
        <source>Exported {rows} detections to {path}</source>
        <translation>{rows} 件の検出を {path} に出力しました</translation>
    </message>
    <message>
        <source>Export trigger log</source>
        <translation>検出履歴の出力</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>出力できませんでした：{error}</translation>
    </message>
    <message>
        <source>Copied {count} false alarms to {path}</source>
        <translation>誤検出 {count} 件を {path} にコピーしました</translation>
    </message>
    <message>
        <source>Copy the audio of every detection marked as a false alarm into the samples folder as _unknown_, for fine-tuning</source>
        <translation>誤検出とマークしたすべての検出の音声を、ファインチューニング用に _unknown_ としてサンプルフォルダーにコピーします</translation>
    </message>
    <message>
        <source>Copying {path} failed: {error}</source>
        <translation>{path} のコピーに失敗しました：{error}</translation>
    </message>
    <message>
        <source>Use false alarms as negatives</source>
        <translation>誤検出を負例として使う</translation>
    </message>
</context>
<context>
    <name>TriggerTableModel</name>
    <message>
        <source>Time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>キーワード</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>しきい値</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Event {event_id} from {source}, model {model}</source>
        <translation>イベント {event_id}（入力 {source}、モデル {model}）</translation>
    </message>
    <message>
        <source>True alarm</source>
        <translation>正検出</translation>
    </message>
    <message>
        <source>False alarm</source>
        <translation>誤検出</translation>
    </message>
</context>
</TS>
