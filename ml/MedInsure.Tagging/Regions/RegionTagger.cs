using System.Collections.Frozen;

namespace MedInsure.Tagging.Regions;

/// <summary>
/// Dictionary tagger: a character trie over official names, generated aliases and historical names, built once.
/// Each text is segmented into the non-overlapping place names that cover the most characters (济南 + 市中区, not 济南市 + 中区),
/// then ambiguous names are resolved from the places around them (see ml/data/REGIONS.md).
/// </summary>
public sealed class RegionTagger : IRegionTagger
{
    private const int NoForm = -1;

    // Aliases that are also everyday words: tagged only next to their parent (北京朝阳, 辽宁朝阳) or written with a suffix (朝阳市).
    private static readonly FrozenSet<string> CommonWords = FrozenSet.ToFrozenSet(
    [
        "长寿", "安康", "东方", "大同", "和平", "中山", "永安", "开平", "朝阳", "长治", "来宾", "阿里",
        "新华", "长安", "复兴", "无极", "海港", "青龙", "兴隆", "双桥", "运河", "大城", "安平", "故城", "大厂", "小店",
        "长子", "和顺", "河曲", "永和", "交口", "孝义", "回民", "玉泉", "兴和", "新民", "元宝", "振兴", "站前", "西市",
        "老边", "太平", "宏伟", "灯塔", "盘山", "榆树", "龙潭", "丰满", "磐石", "长白", "龙井", "道里", "平房", "方正",
        "木兰", "延寿", "五常", "建华", "泰来", "富裕", "鸡冠", "工农", "友谊", "龙凤", "友好", "前进", "东风", "阳明",
        "爱民", "明水", "新北", "东海", "钟楼", "滨江", "滨湖", "海盐", "开化", "江山", "定海", "路桥", "天台", "无为",
        "大观", "太湖", "天长", "明光", "马尾", "三元", "清流", "大田", "云霄", "平和", "华安", "光泽", "东湖", "新建",
        "莲花", "樟树", "万年", "市中", "天桥", "市南", "市北", "山亭", "河口", "泰山", "平原", "惠民", "牡丹", "中原",
        "上街", "老城", "山城", "红旗", "解放", "台前", "湖滨", "卧龙", "民权", "商城", "博爱", "大悟", "公安", "芙蓉",
        "天心", "荷塘", "洞口", "桃源", "中方", "会同", "通道", "凤凰", "光明", "南海", "高明", "四会", "龙门", "紫金",
        "阳春", "江南", "七星", "资源", "港口", "兴业", "乐业", "海棠", "天涯", "白沙", "仁和", "朝天", "安居", "大英",
        "南部", "前锋", "名山", "石棉", "黑水", "九龙", "白玉", "会理", "大方", "金沙", "沿河", "天柱", "官渡", "西山",
        "富民", "麒麟", "大关", "威信", "古城", "南华", "元谋", "弥勒", "祥云", "定日", "比如", "武功", "宝塔", "延长",
        "清水", "高台", "安定", "两当", "合作", "城东", "城西", "城北", "城中", "城关", "平安", "互助", "同仁", "共和",
        "同德", "惠农", "同心", "新市", "温泉", "新星", "白杨", "新城", "青山", "南山", "东山", "向阳", "新兴", "红山",
        "松山", "东胜", "白塔", "临江", "安达", "海安", "大丰", "永康", "长乐", "东至", "界首", "高密", "新安", "保康",
        "白银", "宁化", "建平", "安图", "南关", "二道", "江北", "西湖", "宝山", "普陀", "鼓楼", "河东", "河西", "南开",
    ], StringComparer.Ordinal);

    // Domain words that overlap place names (医保定点 ≠ 保定, 医保康复 ≠ 保康, 广东营业厅 ≠ 东营): they compete in segmentation and tag nothing.
    private static readonly string[] Blockers = ["医保", "社保", "参保", "投保", "续保", "低保", "门诊", "口腔", "营业"];

    private readonly RegionGazetteer _gazetteer;
    private readonly RegionTag[] _tags;
    private readonly int[] _parent;
    private readonly RegionLevel[] _level;
    private readonly Dictionary<long, int> _edges = [];
    private readonly List<int> _terminal = [NoForm];
    private readonly bool[] _startsName = new bool[char.MaxValue + 1];
    private readonly List<Form> _forms = [];

    public RegionTagger(RegionGazetteer gazetteer)
    {
        _gazetteer = gazetteer;
        var all = gazetteer.All;
        var index = new Dictionary<string, int>(all.Count, StringComparer.Ordinal);
        for (var i = 0; i < all.Count; i++)
        {
            index[all[i].Code] = i;
        }

        _tags = [.. all.Select(d => gazetteer.ToTag(d.Code)!)];
        _parent = [.. all.Select(d => d.ParentCode is null ? -1 : index[d.ParentCode])];
        _level = [.. all.Select(d => d.Level)];

        var candidates = new Dictionary<string, (List<int> Divisions, bool Official)>(StringComparer.Ordinal);
        void Add(string surface, int division, bool official)
        {
            if (surface.Length < 2)
            {
                return;
            }

            if (!candidates.TryGetValue(surface, out var entry))
            {
                candidates[surface] = entry = ([], official);
            }

            if (!entry.Divisions.Contains(division))
            {
                entry.Divisions.Add(division);
            }

            candidates[surface] = (entry.Divisions, entry.Official || official);
        }

        for (var i = 0; i < all.Count; i++)
        {
            Add(all[i].Name, i, official: true);
            foreach (var alias in all[i].Aliases.Concat(all[i].HistoricalAliases))
            {
                Add(alias, i, official: alias.EndsWith('市'));
            }
        }

        foreach (var (surface, (divisions, official)) in candidates)
        {
            var common = !official && CommonWords.Contains(surface);
            // Two-character official county names (沛县, 城区, 和县) occur inside ordinary phrases (各市和县级).
            var weak = official && surface.Length == 2 && divisions.TrueForAll(d => _level[d] == RegionLevel.County);
            // A county's bare stem loses coverage ties to a province/city name (从江西 is 江西, not 从江县); everyday words keep blocking (长白山).
            var penalty = !official && !common && divisions.TrueForAll(d => _level[d] == RegionLevel.County) ? 2 : 0;
            AddForm(surface, new Form([.. divisions], common, weak, penalty));
        }

        foreach (var blocker in Blockers)
        {
            AddForm(blocker, new Form([], Common: true, Weak: true, Penalty: 0));
        }
    }

    public RegionGazetteer Gazetteer => _gazetteer;

    public static RegionTagger LoadDefault() => new(RegionGazetteer.LoadDefault());

    public RegionTagResult Tag(string title, string? body)
    {
        ArgumentNullException.ThrowIfNull(title);
        var s = Scratch.ForThread(_tags.Length);
        s.Stamp++;
        s.Resolved.Clear();

        Segment(title, s, inTitle: true);
        if (!string.IsNullOrEmpty(body))
        {
            Segment(body, s, inTitle: false);
        }

        Resolve(s);

        var primary = -1;
        var primaryFromTitle = false;
        foreach (var m in s.Resolved)
        {
            if (m.Division < 0 || (primaryFromTitle && !m.InTitle))
            {
                continue;
            }

            if (primary < 0)
            {
                primary = m.Division;
                primaryFromTitle = m.InTitle;
            }
            else if (m.InTitle == primaryFromTitle && IsAncestor(primary, m.Division))
            {
                // 江西 + 萍乡: the most specific consistent division wins.
                primary = m.Division;
            }
        }

        if (primary < 0)
        {
            return new RegionTagResult(RegionTag.Nationwide, []);
        }

        List<RegionTag>? others = null;
        s.Stamp++;
        foreach (var m in s.Resolved)
        {
            var d = m.Division;
            if (d < 0 || d == primary || IsAncestor(d, primary) || s.Seen[d] == s.Stamp || HasResolvedDescendant(s, d))
            {
                continue;
            }

            s.Seen[d] = s.Stamp;
            (others ??= []).Add(_tags[d]);
        }

        return new RegionTagResult(_tags[primary], others is null ? [] : others);
    }

    private bool HasResolvedDescendant(Scratch s, int division)
    {
        foreach (var m in s.Resolved)
        {
            if (m.Division >= 0 && m.Division != division && IsAncestor(division, m.Division))
            {
                return true;
            }
        }

        return false;
    }

    // Finds every dictionary hit, then keeps the non-overlapping set covering most characters (ties: fewer names, then leftmost).
    private void Segment(string text, Scratch s, bool inTitle)
    {
        var n = text.Length;
        s.EnsureText(n);
        var hits = 0;
        for (var i = 0; i < n; i++)
        {
            s.HitStart[i] = hits;
            if (!_startsName[text[i]])
            {
                s.HitCount[i] = 0;
                continue;
            }

            var node = 0;
            for (var j = i; j < n && _edges.TryGetValue(((long)node << 16) | text[j], out node); j++)
            {
                var form = _terminal[node];
                if (form != NoForm && !EndsInsideWord(text, j))
                {
                    s.AddHit(hits++, form, j - i + 1, _forms[form].Penalty);
                }
            }

            s.HitCount[i] = hits - s.HitStart[i];
        }

        s.Best[n] = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            var best = s.Best[i + 1];
            var choice = -1;
            for (var h = s.HitStart[i]; h < s.HitStart[i] + s.HitCount[i]; h++)
            {
                var length = s.HitLength[h];
                var score = s.Best[i + length] + (length * 64) - 1 - s.HitPenalty[h];
                // >= prefers a name starting here over one starting later: 湖南通知 is 湖南, not 南通.
                if (score >= best)
                {
                    best = score;
                    choice = h;
                }
            }

            s.Best[i] = best;
            s.Choice[i] = choice;
        }

        for (var i = 0; i < n;)
        {
            var h = s.Choice[i];
            if (h < 0)
            {
                i++;
                continue;
            }

            s.Resolved.Add(new Mention(s.HitForm[h], i, i + s.HitLength[h], inTitle, -2));
            i += s.HitLength[h];
        }
    }

    // 海南区域, 河北区别, 和县级: the suffix belongs to the next word.
    private static bool EndsInsideWord(string text, int last)
    {
        if (last + 1 >= text.Length)
        {
            return false;
        }

        var next = text[last + 1];
        return text[last] switch
        {
            '区' => next is '域' or '别' or '间' or '分' or '划',
            '县' => next is '级' or '域',
            _ => false,
        };
    }

    private void Resolve(Scratch s)
    {
        var mentions = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(s.Resolved);

        // Pass 1: names that mean exactly one division on their own become context for the rest.
        for (var i = 0; i < mentions.Length; i++)
        {
            var form = _forms[mentions[i].Form];
            if (form.Divisions.Length == 1 && !form.Common && !form.Weak)
            {
                mentions[i].Division = form.Divisions[0];
                s.Mentioned[form.Divisions[0]] = s.Stamp;
            }
        }

        // Pass 2, left to right: an adjacent parent first (长春朝阳区), then any parent named in title or body (鼓楼区 … 南京).
        for (var i = 0; i < mentions.Length; i++)
        {
            if (mentions[i].Division != -2)
            {
                continue;
            }

            var form = _forms[mentions[i].Form];
            var adjacent = i > 0 && mentions[i - 1].End == mentions[i].Start && mentions[i - 1].InTitle == mentions[i].InTitle
                ? mentions[i - 1].Division
                : -1;
            var pick = -1;
            if (adjacent >= 0)
            {
                pick = PickBest(form.Divisions, d => IsAncestor(adjacent, d));
            }

            if (pick == -1 && !form.Common)
            {
                pick = PickBest(form.Divisions, d => HasMentionedAncestor(s, d));
                if (pick == -1 && !form.Weak)
                {
                    pick = PickBest(form.Divisions, static _ => true);
                }
            }

            mentions[i].Division = pick < 0 ? -1 : pick;
            if (pick >= 0)
            {
                s.Mentioned[pick] = s.Stamp;
            }
        }
    }

    // The highest level among the matching candidates wins (吉林 → province, 南昌 → city); a tie there is ambiguous (-2).
    private int PickBest(int[] divisions, Func<int, bool> accept)
    {
        var best = -1;
        var tie = false;
        foreach (var d in divisions)
        {
            if (!accept(d))
            {
                continue;
            }

            if (best < 0 || _level[d] < _level[best])
            {
                best = d;
                tie = false;
            }
            else if (_level[d] == _level[best])
            {
                tie = true;
            }
        }

        return best >= 0 && tie ? -2 : best;
    }

    private bool HasMentionedAncestor(Scratch s, int division)
    {
        for (var p = _parent[division]; p >= 0; p = _parent[p])
        {
            if (s.Mentioned[p] == s.Stamp)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAncestor(int ancestor, int division)
    {
        for (var p = _parent[division]; p >= 0; p = _parent[p])
        {
            if (p == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    private void AddForm(string surface, Form form)
    {
        var node = 0;
        foreach (var c in surface)
        {
            var key = ((long)node << 16) | c;
            if (!_edges.TryGetValue(key, out var next))
            {
                next = _terminal.Count;
                _terminal.Add(NoForm);
                _edges[key] = next;
            }

            node = next;
        }

        _startsName[surface[0]] = true;
        _terminal[node] = _forms.Count;
        _forms.Add(form);
    }

    private sealed record Form(int[] Divisions, bool Common, bool Weak, int Penalty);

    private record struct Mention(int Form, int Start, int End, bool InTitle, int Division);

    // Per-thread buffers so tagging allocates nothing but the result.
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? t_current;

        public int Stamp;
        public int[] Mentioned = [];
        public int[] Seen = [];
        public int[] HitStart = new int[256];
        public int[] HitCount = new int[256];
        public int[] Best = new int[257];
        public int[] Choice = new int[256];
        public int[] HitForm = new int[256];
        public int[] HitLength = new int[256];
        public int[] HitPenalty = new int[256];
        public List<Mention> Resolved = new(32);

        public static Scratch ForThread(int divisions)
        {
            var s = t_current ??= new Scratch();
            if (s.Mentioned.Length < divisions)
            {
                s.Mentioned = new int[divisions];
                s.Seen = new int[divisions];
            }

            return s;
        }

        public void EnsureText(int n)
        {
            if (HitStart.Length < n)
            {
                var size = Math.Max(n, HitStart.Length * 2);
                HitStart = new int[size];
                HitCount = new int[size];
                Choice = new int[size];
                Best = new int[size + 1];
            }
        }

        public void AddHit(int index, int form, int length, int penalty)
        {
            if (index >= HitForm.Length)
            {
                Array.Resize(ref HitForm, HitForm.Length * 2);
                Array.Resize(ref HitLength, HitLength.Length * 2);
                Array.Resize(ref HitPenalty, HitPenalty.Length * 2);
            }

            HitForm[index] = form;
            HitLength[index] = length;
            HitPenalty[index] = penalty;
        }
    }
}
