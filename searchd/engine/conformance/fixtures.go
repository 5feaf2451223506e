// Package conformance is the behavioural suite every engine must pass: the
// same documents, the same queries, the same expected hits, run through the
// search service. Each engine's test file calls Run with a constructor.
package conformance

import (
	"time"

	"github.com/searchd/searchd/searchd/engine"
)

// Settings returns the analysis settings the suite's index is built with.
func Settings() engine.AnalysisSettings {
	return engine.AnalysisSettings{
		Synonyms: `# conformance synonyms
삼성전자, 삼전
아이폰, iphone
노트북, 랩탑
보드게임, 보겜
`,
		UserDictionary: []string{"보겜", "카공"},
	}
}

func day(d int) time.Time { return time.Date(2025, 1, d, 9, 0, 0, 0, time.UTC) }

// Documents are the suite's fixtures. Each exists to make one behaviour
// observable; the comment says which.
func Documents() []engine.Document {
	return []engine.Document{
		// compounds, particles, 초성 ㅅㅅㅈㅈ, keyboard tkatjd, jamo prefix 삼ㅅ
		{ID: "samsung-study", Title: "삼성전자 주가 전망 스터디", Body: "매주 토요일 삼성전자 실적을 함께 분석합니다.",
			Tags: []string{"주식", "재테크"}, Category: "스터디", Region: "서울 강남구", Author: "주린이", CreatedAt: day(3), Popularity: 120},
		// synonym: written with 삼전 only
		{ID: "samjeon-club", Title: "삼전 주주 모임", Body: "장기 투자자끼리 정보를 나눠요.",
			Tags: []string{"주식"}, Category: "재테크", Region: "부산 해운대구", Author: "개미", CreatedAt: day(5), Popularity: 40},
		// synonym: 아이폰 ↔ iPhone
		{ID: "iphone-photo", Title: "아이폰 야경 사진 모임", Body: "밤에 아이폰으로 야경을 찍어요.",
			Tags: []string{"사진"}, Category: "사진", Region: "서울 마포구", Author: "찰칵", CreatedAt: day(7), Popularity: 300},
		{ID: "iphone-review", Title: "iPhone 15 Pro 써보신 분", Body: "새로 나온 iPhone 후기 나눠요.",
			Tags: []string{"IT"}, Category: "IT", Region: "서울 강남구", Author: "얼리어답터", CreatedAt: day(9), Popularity: 80},
		// 초성 ㄷㅅㅁㅇ, typo 독서모입, jamo prefix 독서ㅁ
		{ID: "book-club", Title: "독서모임 회원 모집", Body: "한 달에 두 권씩 읽고 이야기 나눠요.",
			Tags: []string{"책", "독서"}, Category: "독서", Region: "서울 마포구", Author: "책벌레", CreatedAt: day(11), Popularity: 500},
		{ID: "hiking", Title: "주말 등산 동호회", Body: "토요일마다 북한산에 올라갑니다.",
			Tags: []string{"등산", "운동"}, Category: "운동", Region: "서울 강북구", Author: "산사람", CreatedAt: day(13), Popularity: 60},
		// exact vs synonym vs fuzzy ranking for 보드게임
		{ID: "boardgame-exact", Title: "보드게임 하실 분", Body: "주말 저녁 보드게임 같이 해요.",
			Tags: []string{"게임"}, Category: "게임", Region: "대전", Author: "주사위", CreatedAt: day(15), Popularity: 10},
		{ID: "boardgame-synonym", Title: "보겜 하실 분", Body: "주말 저녁 보겜 같이 해요.",
			Tags: []string{"게임"}, Category: "게임", Region: "대전", Author: "주사위", CreatedAt: day(16), Popularity: 10},
		// synonym typo: 랩탐 → 랩탑 → 노트북
		{ID: "laptop", Title: "개발용 노트북 추천 부탁", Body: "코딩할 노트북을 찾고 있어요.",
			Tags: []string{"IT"}, Category: "IT", Region: "인천", Author: "코더", CreatedAt: day(17), Popularity: 30},
		// short words get no fuzziness: 밥 must not find 밤
		{ID: "night-walk", Title: "밤 산책 모임", Body: "저녁 먹고 밤에 공원을 걸어요.",
			Tags: []string{"산책"}, Category: "운동", Region: "광주", Author: "올빼미", CreatedAt: day(19), Popularity: 5},
		// morphology: inflected verbs
		{ID: "running", Title: "한강 러닝 크루", Body: "매일 아침 한강에서 달리고 있어요.",
			Tags: []string{"러닝", "운동"}, Category: "운동", Region: "서울 영등포구", Author: "러너", CreatedAt: day(21), Popularity: 200},
	}
}
